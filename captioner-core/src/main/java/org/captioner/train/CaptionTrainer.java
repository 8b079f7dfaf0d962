package org.captioner.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
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
import org.captioner.bundle.SearchDefaults;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.model.DecoderBlock;
import org.captioner.model.DecoderConfig;
import org.captioner.provenance.EpochRecord;
import org.captioner.provenance.Provenance;
import org.captioner.provenance.TrainingSettings;
import org.captioner.text.Vocabulary;

/**
 * Trains a {@link DecoderBlock} on cached image features with teacher forcing: masked
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
     * What the run whose latest checkpoint is in {@code outDir} was started with, or null when there
     * is none: a resumed run continues with these settings, decoder sizes and word ids.
     */
    public static CheckpointedRun checkpointedRun(Path outDir) throws IOException {
        Path latest = new Checkpoints(outDir.resolve("checkpoints")).latest();
        if (latest == null) {
            return null;
        }
        CheckpointState state = JSON.readValue(latest.resolve("state.json").toFile(), CheckpointState.class);
        return new CheckpointedRun(state.settings(), state.config(),
                Vocabulary.load(latest.resolve(ModelBundle.VOCABULARY_FILE)), state.completedEpochs());
    }

    /** The settings, decoder sizes and vocabulary a checkpointed run was started with, and how far it got. */
    public record CheckpointedRun(TrainingSettings settings, DecoderConfig config, Vocabulary vocabulary,
            int completedEpochs) {}

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
        if (settings.mirrors() && !train.hasMirrors()) {
            throw new IllegalArgumentException("training with mirror images needs a corpus that holds them"
                    + " (CaptionCorpus.buildWithMirrors)");
        }
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
            DecoderBlock decoder = DecoderBlock.create(config);
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
                    throw new IllegalArgumentException("checkpoint " + latest + " was made with decoder "
                            + state.config() + ", not " + config);
                }
                // A resumed run continues the run it resumes: only its length may change.
                Map<String, List<Object>> changed = state.settings().differencesBesidesEpochs(settings);
                if (!changed.isEmpty()) {
                    String name = changed.keySet().iterator().next();
                    throw new IllegalArgumentException("checkpoint " + latest + " was trained with " + name + " "
                            + changed.get(name).get(0) + ", not " + changed.get(name).get(1)
                            + " (a resumed run keeps its settings; only the number of epochs may change)");
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
            TrainingObjective objective = settings.selfCritical()
                    ? new SelfCriticalObjective(new SelfCriticalSampler(train, vocabulary, settings.samples(),
                            settings.maxWords(), settings.hallucinationPenalty()))
                    : new CrossEntropyObjective(settings.labelSmoothing());
            Validation validate = new Validation(validation, vocabulary, settings.maxWords());

            ParameterStore ps = new ParameterStore(root, false);
            int units = objective.unitsPerEpoch(train);
            int stepsPerEpoch = (units + settings.batchSize() - 1) / settings.batchSize();
            for (int epoch = startEpoch; epoch < settings.epochs(); epoch++) {
                long begin = System.nanoTime();
                double lr = settings.learningRateAt(epoch);
                int[] order = permutation(units, new Random(settings.seed() * 1_000_003L + epoch));
                // With mirror images, this epoch's coin per image (re-drawn on resume from the same seed).
                CaptionCorpus shown = settings.mirrors()
                        ? train.drawingMirrors(new Random(settings.seed() * 1_000_033L + epoch)) : train;
                listener.epochStarted(epoch, settings.epochs(), stepsPerEpoch);
                double lossSum = 0;
                long tokenSum = 0;
                long tokenTime = System.nanoTime();
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int from = s * settings.batchSize();
                    int to = Math.min(order.length, from + settings.batchSize());
                    long globalStep = (long) epoch * stepsPerEpoch + s;
                    long stepSeed = settings.seed() * 7919 + globalStep;
                    Engine.getInstance().setRandomSeed((int) stepSeed);
                    try (NDManager scratch = root.newSubManager()) {
                        TrainingObjective.StepResult step = objective.step(decoder, ps, shown, order, from, to,
                                scratch, stepSeed);
                        adam.step(lr, settings.clipNorm(), scratch);
                        lossSum += step.loss() * step.tokens();
                        tokenSum += step.tokens();
                    }
                    double elapsed = (System.nanoTime() - tokenTime) / 1e9;
                    listener.stepDone(s + 1, lossSum / tokenSum, tokenSum / Math.max(elapsed, 1e-9));
                }
                double trainLoss = lossSum / tokenSum;
                double trainSeconds = (System.nanoTime() - begin) / 1e9;
                double valLoss = validate.loss(decoder, ps, root);
                double valCider = settings.validateCider() ? validate.cider(decoder, root) : Double.NaN;
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
    private static void loadWeights(DecoderBlock decoder, Path params, NDManager root) throws IOException {
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
}
