package org.captioner.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.captioner.bundle.BundleInfo;
import org.captioner.bundle.EncoderLocation;
import org.captioner.bundle.ModelBundle;
import org.captioner.bundle.Provenance;
import org.captioner.bundle.SearchDefaults;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.metrics.CaptionScorer;
import org.captioner.model.CaptionDecoder;
import org.captioner.model.DecoderConfig;
import org.captioner.model.DecoderSearchModel;
import org.captioner.search.GreedySearch;
import org.captioner.search.Hypothesis;
import org.captioner.search.SearchSettings;
import org.captioner.text.Vocabulary;

/**
 * Trains a {@link CaptionDecoder} on cached image features with teacher forcing: masked
 * cross-entropy over real tokens (optionally label-smoothed), Adam with global-norm clipping and
 * step decay of the learning rate. After every epoch it validates (loss and greedy CIDEr on the
 * dev split), writes a checkpoint atomically, and writes the bundle when the epoch is the best so
 * far. Randomness is re-seeded from (seed, epoch, step), so a run resumed from a checkpoint after
 * being killed continues exactly as if it had never stopped.
 *
 * <p>Output folder: the bundle files, {@code training-log.csv}, {@code loss-curves.png} and
 * {@code checkpoints/}.
 */
public final class CaptionTrainer {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final TrainingSettings settings;
    private final DecoderConfig config;
    private final Vocabulary vocabulary;
    private final EncoderIdentity encoder;
    private final EncoderLocation encoderLocation;
    private final String dataset;

    public CaptionTrainer(TrainingSettings settings, DecoderConfig config, Vocabulary vocabulary,
            EncoderIdentity encoder, EncoderLocation encoderLocation, String dataset) {
        if (config.vocabSize() != vocabulary.size()) {
            throw new IllegalArgumentException("decoder vocabSize " + config.vocabSize() + " != vocabulary size "
                    + vocabulary.size());
        }
        if (config.featureSize() != encoder.featureSize()) {
            throw new IllegalArgumentException("decoder featureSize " + config.featureSize()
                    + " != encoder feature size " + encoder.featureSize());
        }
        this.settings = settings;
        this.config = config;
        this.vocabulary = vocabulary;
        this.encoder = encoder;
        this.encoderLocation = encoderLocation;
        this.dataset = dataset;
    }

    /**
     * The vocabulary of the run whose latest checkpoint is in {@code outDir}, or null when there is
     * none: a resumed run must keep the word ids it was trained with.
     */
    public static Vocabulary checkpointedVocabulary(Path outDir) throws IOException {
        Path latest = new Checkpoints(outDir.resolve("checkpoints")).latest();
        Path file = latest == null ? null : latest.resolve(ModelBundle.VOCABULARY_FILE);
        return file != null && Files.exists(file) ? Vocabulary.load(file) : null;
    }

    /** What a finished run produced. */
    public record Result(int bestEpoch, double bestScore, List<EpochRecord> history, Path bundleDir) {}

    /** Saved after each epoch; everything needed to continue exactly. */
    record CheckpointState(int completedEpochs, long adamSteps, int bestEpoch, double bestScore,
            double trainingSeconds, List<EpochRecord> history, TrainingSettings settings, DecoderConfig config) {}

    /**
     * Trains into {@code outDir}. With {@code resume}, continues from the latest checkpoint there
     * (the settings' epoch count may be raised); without it, refuses a folder that has checkpoints.
     */
    public Result train(CaptionCorpus train, CaptionCorpus validation, Path outDir, boolean resume,
            TrainingListener listener) throws IOException {
        if (train.captionCount() == 0) {
            throw new IllegalArgumentException("no training captions (are the features extracted?)");
        }
        Checkpoints checkpoints = new Checkpoints(outDir.resolve("checkpoints"));
        Path latest = checkpoints.latest();
        if (latest != null && !resume) {
            throw new IOException(outDir + " already holds a training run; pass --resume to continue it or"
                    + " choose another output folder");
        }
        Files.createDirectories(outDir);
        Provenance startedFrom = startingProvenance();
        try (NDManager root = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed((int) settings.seed());
            CaptionDecoder decoder = new CaptionDecoder(config);
            decoder.initialize(root);
            AdamOptimizer adam = new AdamOptimizer(decoder.getParameters(), root);

            int startEpoch = 0;
            int bestEpoch = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            double seconds = 0;
            List<EpochRecord> history = new ArrayList<>();
            if (latest != null) {
                CheckpointState state = JSON.readValue(latest.resolve("state.json").toFile(), CheckpointState.class);
                if (!state.config().equals(config)) {
                    throw new IOException("checkpoint " + latest + " was made with decoder " + state.config()
                            + ", not " + config);
                }
                loadWeights(decoder, latest.resolve(ModelBundle.PARAMS_FILE), root);
                adam.load(latest.resolve("adam.bin"), state.adamSteps());
                startEpoch = state.completedEpochs();
                bestEpoch = state.bestEpoch();
                bestScore = state.bestScore();
                seconds = state.trainingSeconds();
                history.addAll(state.history());
                listener.resumed(startEpoch);
            } else if (settings.initFrom() != null) {
                loadWeights(decoder, Path.of(settings.initFrom()).resolve(ModelBundle.PARAMS_FILE), root);
            }
            SelfCriticalSampler sampler = settings.selfCritical()
                    ? new SelfCriticalSampler(train, vocabulary, settings.samples(), settings.maxWords()) : null;

            ParameterStore ps = new ParameterStore(root, false);
            // Cross-entropy batches are captions; self-critical batches are images (each sampled several times).
            int units = sampler == null ? train.captionCount() : train.imageCount();
            int stepsPerEpoch = (units + settings.batchSize() - 1) / settings.batchSize();
            for (int epoch = startEpoch; epoch < settings.epochs(); epoch++) {
                long begin = System.nanoTime();
                double lr = settings.learningRateAt(epoch);
                int[] order = permutation(units, new Random(settings.seed() * 1_000_003L + epoch));
                listener.epochStarted(epoch, settings.epochs(), stepsPerEpoch);
                double lossSum = 0;
                long tokenSum = 0;
                long tokenTime = System.nanoTime();
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int from = s * settings.batchSize();
                    int to = Math.min(order.length, from + settings.batchSize());
                    long globalStep = (long) epoch * stepsPerEpoch + s;
                    Engine.getInstance().setRandomSeed((int) (settings.seed() * 7919 + globalStep));
                    try (NDManager scratch = root.newSubManager()) {
                        Batch batch;
                        double loss;
                        if (sampler == null) {
                            batch = Batch.of(train, order, from, to, scratch);
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                NDArray logits = decoder.forward(ps, new NDList(batch.features(), batch.inputs()),
                                        true).singletonOrThrow();
                                NDArray lossArray = maskedLoss(logits, batch, settings.labelSmoothing());
                                gc.backward(lossArray);
                                loss = lossArray.getFloat();
                            }
                        } else {
                            SelfCriticalSampler.Draw draw = sampler.draw(decoder, train, order, from, to, scratch,
                                    settings.seed() * 7919 + globalStep);
                            batch = draw.batch();
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                // No dropout: the gradient must be that of the policy the captions were drawn from.
                                NDArray logits = decoder.forward(ps, new NDList(batch.features(), batch.inputs()),
                                        false).singletonOrThrow();
                                gc.backward(policyLoss(logits, batch, draw.advantages()));
                            }
                            // What the log and curves show for a self-critical run: minus the mean sample reward.
                            loss = -draw.meanReward();
                        }
                        adam.step(lr, settings.clipNorm(), scratch);
                        lossSum += loss * batch.tokens();
                        tokenSum += batch.tokens();
                    }
                    double elapsed = (System.nanoTime() - tokenTime) / 1e9;
                    listener.stepDone(s + 1, lossSum / tokenSum, tokenSum / Math.max(elapsed, 1e-9));
                }
                double trainLoss = lossSum / tokenSum;
                double trainSeconds = (System.nanoTime() - begin) / 1e9;
                double valLoss = validation.captionCount() == 0 ? Double.NaN
                        : validationLoss(decoder, ps, validation, root);
                double valCider = settings.validateCider() && validation.imageCount() > 0
                        ? validationCider(decoder, validation, root) : Double.NaN;
                double epochSeconds = (System.nanoTime() - begin) / 1e9;
                seconds += epochSeconds;
                EpochRecord record = new EpochRecord(epoch + 1, lr, trainLoss, valLoss, valCider, epochSeconds,
                        tokenSum / trainSeconds);
                history.add(record);
                double score = settings.validateCider() && !Double.isNaN(valCider) ? valCider
                        : Double.isNaN(valLoss) ? -trainLoss : -valLoss;
                boolean best = score > bestScore;
                if (best) {
                    bestScore = score;
                    bestEpoch = epoch + 1;
                    ModelBundle.save(outDir, bundleInfo(train, bestEpoch, seconds, history, record, startedFrom), vocabulary, decoder);
                }
                TrainingLog.write(outDir.resolve("training-log.csv"), history);
                LossCurves.write(outDir.resolve("loss-curves.png"), history, settings.selfCritical());
                checkpoints.save(epoch + 1, dir -> {
                    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                            Files.newOutputStream(dir.resolve(ModelBundle.PARAMS_FILE))))) {
                        decoder.saveParameters(out);
                    }
                    adam.save(dir.resolve("adam.bin"));
                    vocabulary.save(dir.resolve(ModelBundle.VOCABULARY_FILE));
                });
                // The state goes in last: a checkpoint without state.json is incomplete and ignored.
                int bestSoFar = bestEpoch;
                double bestScoreSoFar = bestScore;
                double secondsSoFar = seconds;
                long adamSteps = adam.steps();
                int completed = epoch + 1;
                checkpoints.finish(completed, dir -> JSON.writeValue(dir.resolve("state.json").toFile(),
                        new CheckpointState(completed, adamSteps, bestSoFar, bestScoreSoFar, secondsSoFar,
                                history, settings, config)));
                listener.epochDone(record, best);
            }
            // Keep the bundle's record of the run complete even when later epochs were not better.
            if (bestEpoch > 0) {
                BundleInfo info = ModelBundle.readInfo(outDir);
                ModelBundle.writeInfo(outDir, info.withProvenance(provenance(train, bestEpoch, seconds, history,
                        history.get(bestEpoch - 1), startedFrom)));
            }
            return new Result(bestEpoch, bestScore, history, outDir);
        }
    }

    /** Continues from saved weights (a checkpoint's or a starting bundle's). */
    private static void loadWeights(CaptionDecoder decoder, Path params, NDManager root) throws IOException {
        decoder.loadParameters(root, params);
        // Loaded arrays replace the initial ones; initialize() marks them as needing gradients.
        decoder.initialize(root);
    }

    /**
     * The record of the bundle an {@code --init-from} run starts from, kept inside ours; null for a
     * run from scratch, or when that bundle is gone (a resumed run needs only its checkpoint).
     */
    private Provenance startingProvenance() {
        if (settings.initFrom() == null) {
            return null;
        }
        try {
            return ModelBundle.readInfo(Path.of(settings.initFrom())).provenance();
        } catch (IOException e) {
            return null;
        }
    }

    private BundleInfo bundleInfo(CaptionCorpus train, int bestEpoch, double seconds, List<EpochRecord> history,
            EpochRecord best, Provenance startedFrom) {
        return new BundleInfo(BundleInfo.FORMAT, config, encoder, encoderLocation,
                new SearchDefaults(3, 0.0, settings.maxWords()),
                provenance(train, bestEpoch, seconds, history, best, startedFrom));
    }

    private Provenance provenance(CaptionCorpus train, int bestEpoch, double seconds, List<EpochRecord> history,
            EpochRecord best, Provenance startedFrom) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("dev.loss", best.validationLoss());
        if (!Double.isNaN(best.validationCider())) {
            metrics.put("dev.CIDEr.greedy", best.validationCider());
        }
        return new Provenance(dataset, "train", train.imageCount(), train.captionCount(), settings, bestEpoch,
                seconds, history, metrics, Provenance.currentCodeVersion(), java.time.Instant.now().toString(),
                startedFrom);
    }

    /** Mean over real (non-pad) target tokens of the (label-smoothed) negative log-likelihood. */
    static NDArray maskedLoss(NDArray logits, Batch batch, double smoothing) {
        NDArray logProbs = logits.logSoftmax(2);
        NDArray nll = logProbs.gather(batch.targets().expandDims(2), 2).squeeze(2).neg();
        if (smoothing > 0) {
            NDArray uniform = logProbs.mean(new int[] {2}).neg();
            nll = nll.mul((float) (1 - smoothing)).add(uniform.mul((float) smoothing));
        }
        return nll.mul(batch.mask()).sum().div(batch.mask().sum());
    }

    /**
     * REINFORCE: minus the advantage-weighted log-probability of each sampled token, averaged over
     * the sampled tokens.
     */
    static NDArray policyLoss(NDArray logits, Batch batch, NDArray advantages) {
        NDArray logProbs = logits.logSoftmax(2).gather(batch.targets().expandDims(2), 2).squeeze(2);
        NDArray weights = batch.mask().mul(advantages.expandDims(1));
        return logProbs.mul(weights).sum().neg().div(batch.mask().sum());
    }

    private double validationLoss(CaptionDecoder decoder, ParameterStore ps, CaptionCorpus validation, NDManager root) {
        int[] order = new int[validation.captionCount()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double sum = 0;
        long tokens = 0;
        for (int from = 0; from < order.length; from += 128) {
            try (NDManager scratch = root.newSubManager()) {
                Batch batch = Batch.of(validation, order, from, Math.min(order.length, from + 128), scratch);
                NDArray logits = decoder.forward(ps, new NDList(batch.features(), batch.inputs()), false)
                        .singletonOrThrow();
                sum += maskedLoss(logits, batch, 0).getFloat() * batch.tokens();
                tokens += batch.tokens();
            }
        }
        return sum / tokens;
    }

    private double validationCider(CaptionDecoder decoder, CaptionCorpus validation, NDManager root) {
        GreedySearch greedy = new GreedySearch(SearchSettings.of(settings.maxWords(), 0));
        Map<String, String> candidates = new LinkedHashMap<>();
        Map<String, List<String>> references = new LinkedHashMap<>();
        for (int from = 0; from < validation.imageCount(); from += 100) {
            int to = Math.min(validation.imageCount(), from + 100);
            float[][] feats = new float[to - from][];
            for (int i = from; i < to; i++) {
                feats[i - from] = validation.features(i);
            }
            try (NDManager scratch = root.newSubManager()) {
                List<Hypothesis> out = greedy.search(new DecoderSearchModel(decoder, scratch), feats);
                for (int i = from; i < to; i++) {
                    candidates.put(validation.imageId(i), vocabulary.decode(out.get(i - from).words()));
                    references.put(validation.imageId(i), validation.references(i));
                }
            }
        }
        return new CaptionScorer().score(references, candidates).cider();
    }

    private static int[] permutation(int n, Random random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** One padded batch: inputs {@code <start> w1..wn}, targets {@code w1..wn <end>}, mask of real targets. */
    record Batch(NDArray features, NDArray inputs, NDArray targets, NDArray mask, long tokens) {

        /** The captions {@code order[from..to)} of {@code corpus}, each with its image's features. */
        static Batch of(CaptionCorpus corpus, int[] order, int from, int to, NDManager manager) {
            float[][] features = new float[to - from][];
            int[][] sequences = new int[to - from][];
            for (int r = 0; r < sequences.length; r++) {
                int c = order[from + r];
                sequences[r] = corpus.caption(c);
                features[r] = corpus.features(corpus.captionImage(c));
            }
            return of(features, sequences, manager);
        }

        /** Row {@code r}: {@code features[r]} and the id sequence {@code sequences[r]} ({@code <start> ...}). */
        static Batch of(float[][] features, int[][] sequences, NDManager manager) {
            int b = sequences.length;
            int steps = 1;
            for (int[] ids : sequences) {
                steps = Math.max(steps, ids.length - 1);
            }
            int f = features[0].length;
            float[] feats = new float[b * f];
            long[] in = new long[b * steps];
            long[] out = new long[b * steps];
            float[] mask = new float[b * steps];
            long tokens = 0;
            for (int r = 0; r < b; r++) {
                int[] ids = sequences[r];
                System.arraycopy(features[r], 0, feats, r * f, f);
                for (int t = 0; t < ids.length - 1; t++) {
                    in[r * steps + t] = ids[t];
                    out[r * steps + t] = ids[t + 1];
                    mask[r * steps + t] = 1;
                    tokens++;
                }
            }
            return new Batch(
                    manager.create(feats, new Shape(b, f)),
                    manager.create(in, new Shape(b, steps)),
                    manager.create(out, new Shape(b, steps)),
                    manager.create(mask, new Shape(b, steps)),
                    tokens);
        }
    }
}
