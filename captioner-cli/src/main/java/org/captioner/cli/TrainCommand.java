package org.captioner.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.captioner.bundle.BundleInfo;
import org.captioner.bundle.EncoderLocation;
import org.captioner.bundle.ModelBundle;
import org.captioner.data.CaptionDataset;
import org.captioner.data.Split;
import org.captioner.data.SplitData;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.features.FeatureStore;
import org.captioner.model.DecoderConfig;
import org.captioner.provenance.EpochRecord;
import org.captioner.provenance.TrainingSettings.Objective;
import org.captioner.provenance.TrainingSettings;
import org.captioner.text.Vocabulary;
import org.captioner.train.CaptionCorpus;
import org.captioner.train.CaptionTrainer;
import org.captioner.train.TrainingListener;

/** {@code ./captioner train}: trains a decoder on cached features and writes a model bundle. */
final class TrainCommand extends Command {

    @Override
    String name() {
        return "train";
    }

    @Override
    String summary() {
        return "Train the LSTM decoder on cached features (run ./captioner features first). Writes the best"
                + " epoch as a model bundle, a per-epoch CSV log, a loss-curve PNG and a checkpoint per epoch;"
                + " --resume continues a killed run exactly.";
    }

    @Override
    Options options() {
        TrainingSettings d = TrainingSettings.defaults();
        Options o = new Options();
        DatasetOptions.add(o);
        o.addOption(required("features", "DIR", "feature cache written by ./captioner features"));
        o.addOption(required("out", "BUNDLE-DIR", "output folder: the bundle, log, curves and checkpoints"));
        o.addOption(opt("epochs", "N", "passes over the training captions (default " + d.epochs() + ")"));
        o.addOption(opt("batch-size", "N", "captions per step (default " + d.batchSize() + ")"));
        o.addOption(opt("lr", "RATE", "Adam learning rate (default " + d.learningRate() + ")"));
        o.addOption(opt("lr-decay", "F", "multiply the rate by F every --lr-decay-every epochs (default " + d.lrDecay() + ")"));
        o.addOption(opt("lr-decay-every", "N", "epochs between decays (default " + d.lrDecayEvery() + ")"));
        o.addOption(opt("clip", "NORM", "global gradient-norm clip (default " + d.clipNorm() + ")"));
        o.addOption(opt("label-smoothing", "EPS", "0 for plain cross-entropy; 0.1 often helps a little (default 0)"));
        o.addOption(opt("embed", "N", "word embedding size (default 512)"));
        o.addOption(opt("hidden", "N", "LSTM state size (default 512)"));
        o.addOption(opt("layers", "N", "LSTM layers, 1 or 2 (default 1)"));
        o.addOption(opt("dropout", "P", "dropout on embeddings, between layers and before the output (default 0.5)"));
        o.addOption(opt("attention", "A", "train a Show-Attend-and-Tell decoder with soft attention of width A (e.g."
                + " 512) over the grid of each image: --features must be a grid cache (features --grid). Default 0,"
                + " the Show-and-Tell decoder on pooled features"));
        o.addOption(opt("min-count", "N", "words seen fewer times become <unk> (default " + d.minWordCount() + ")"));
        o.addOption(opt("max-words", "N", "truncate training captions to N words (default " + d.maxWords() + ")"));
        o.addOption(opt("seed", "N", "random seed: same seed, same model (default " + d.seed() + ")"));
        o.addOption(opt("select", "METRIC", "choose the best epoch by dev 'cider' (greedy) or 'loss' (default cider)"));
        o.addOption(opt("objective", "NAME", "'cross-entropy' on the human captions, or 'self-critical': raise the"
                + " CIDEr-D of the model's own samples (start it --init-from a cross-entropy bundle, with a lower"
                + " --lr such as 1e-5: 5e-5 and above undid the language model here) (default cross-entropy)"));
        o.addOption(opt("hallucination-penalty", "L", "self-critical: subtract L from a sample's reward for each"
                + " object class it names that none of the image's references names (CHAIR's judgement; default 0)"));
        o.addOption(opt("samples", "N", "self-critical: captions sampled per image; --batch-size counts images"
                + " (default " + d.samples() + ")"));
        o.addOption(opt("init-from", "BUNDLE-DIR", "start from this single-decoder bundle's weights, vocabulary"
                + " and sizes instead of random ones"));
        o.addOption(flag("flip", "augment with mirror images: each epoch shows every training image as itself or"
                + " mirrored, drawn afresh (needs a cache made with features --flip)"));
        o.addOption(flag("resume", "continue the run in --out from its latest checkpoint"));
        return o;
    }

    @Override
    int run(CommandLine line) throws Exception {
        TrainingSettings d = TrainingSettings.defaults();
        Path out = Path.of(line.getOptionValue("out"));
        CaptionTrainer.CheckpointedRun resumed = line.hasOption("resume") ? CaptionTrainer.checkpointedRun(out) : null;
        // A resumed run keeps its objective unless --objective is given again (and checked below):
        // "--resume --hallucination-penalty 0.5" of a self-critical run is not a cross-entropy run.
        String objective = resumed != null && resumed.settings().selfCritical() ? "self-critical" : "cross-entropy";
        TrainingSettings settings;
        try {
            settings = new TrainingSettings(
                    intValue(line, "epochs", d.epochs(), 1, 10_000),
                    intValue(line, "batch-size", d.batchSize(), 1, 4096),
                    doubleValue(line, "lr", d.learningRate(), 1e-7, 0.99),
                    doubleValue(line, "lr-decay", d.lrDecay(), 0.01, 1),
                    intValue(line, "lr-decay-every", d.lrDecayEvery(), 1, 1000),
                    doubleValue(line, "clip", d.clipNorm(), 1e-3, 1e6),
                    doubleValue(line, "label-smoothing", 0, 0, 0.99),
                    intValue(line, "max-words", d.maxWords(), 1, 200),
                    intValue(line, "min-count", d.minWordCount(), 1, 1_000_000),
                    intValue(line, "seed", (int) d.seed(), 0, Integer.MAX_VALUE),
                    choice(line, "select", "cider", "cider", "loss").equals("cider"),
                    choice(line, "objective", objective, "cross-entropy", "self-critical")
                            .equals("self-critical") ? Objective.SELF_CRITICAL : Objective.CROSS_ENTROPY,
                    intValue(line, "samples", d.samples(), 2, 100),
                    line.hasOption("init-from") ? Path.of(line.getOptionValue("init-from")).toString() : null,
                    line.hasOption("flip"),
                    doubleValue(line, "hallucination-penalty", 0, 0, 100));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (resumed != null) {
            settings = resumedSettings(line, settings, resumed);
        }
        CaptionDataset dataset = DatasetOptions.open(line);
        FeatureStore store = FeatureStore.openExisting(Path.of(line.getOptionValue("features")));
        EncoderIdentity encoder = store.identity();
        SplitData train = DatasetOptions.split(dataset, Split.TRAIN);
        SplitData dev = DatasetOptions.split(dataset, Split.DEV);
        Vocabulary vocabulary;
        DecoderConfig config;
        if (resumed != null) {
            vocabulary = resumed.vocabulary();
            config = resumed.config();
        } else if (settings.initFrom() != null) {
            BundleInfo start = startingBundle(Path.of(settings.initFrom()), encoder);
            for (String size : DECODER_OPTIONS.keySet()) {
                if (line.hasOption(size)) {
                    throw new UsageException("--" + size + " cannot change a decoder started --init-from a bundle");
                }
            }
            vocabulary = Vocabulary.load(Path.of(settings.initFrom()).resolve(ModelBundle.VOCABULARY_FILE));
            config = start.decoder();
        } else {
            vocabulary = Vocabulary.build(CaptionCorpus.tokenise(train.images()), settings.minWordCount());
            config = decoderConfig(line, vocabulary, encoder);
        }
        if (config.hiddenSize() <= 16) {
            // Seen on this project's AMD EPYC machines: oneDNN's AVX-512 LSTM kernel (libtorch 2.7.1)
            // leaves half the state out of the recurrence below 17 units (StackedDecodersTest).
            System.err.println("warning: LSTM state sizes of 16 or less compute wrong results in libtorch 2.7.1 on"
                    + " AVX-512 CPUs (ONEDNN_MAX_CPU_ISA=AVX2 avoids it); use --hidden 17 or more");
        }
        boolean grids = store.layout().regions() > 1;
        if (config.attends() != grids) {
            throw new UsageException(config.attends()
                    ? "an attention decoder trains on grids: make --features with ./captioner features --grid"
                    : "--features " + store.dir() + " holds grids; a Show-and-Tell decoder trains on pooled features"
                            + " (features without --grid), or pass --attention A");
        }
        System.err.println("building training data...");
        CaptionCorpus trainCorpus;
        try {
            trainCorpus = settings.mirrors()
                    ? CaptionCorpus.buildWithMirrors(train.images(), store, vocabulary, settings.maxWords())
                    : CaptionCorpus.build(train.images(), store, vocabulary, settings.maxWords());
        } catch (CaptionCorpus.MissingMirrorException e) {
            throw new UsageException("--flip: " + e.getMessage());
        }
        CaptionCorpus devCorpus = CaptionCorpus.build(dev.images(), store, vocabulary, settings.maxWords());
        if (trainCorpus.skipped() > 0 || devCorpus.skipped() > 0) {
            System.err.printf("%d train and %d dev images have no cached features (skipped); run ./captioner features%n",
                    trainCorpus.skipped(), devCorpus.skipped());
        }
        System.err.printf(Locale.ROOT, "%s: %d train images / %d captions, %d dev images; vocabulary %d words;"
                        + " features %d-d from %s%n", dataset.name(), trainCorpus.imageCount(), trainCorpus.captionCount(),
                devCorpus.imageCount(), vocabulary.size(), encoder.featureSize(), encoder.name());
        String fileName = encoder.sha256() != null ? Path.of(encoder.name()).getFileName().toString() : null;
        String url = encoder.sha256() == null ? encoder.name() : null;
        CaptionTrainer trainer = new CaptionTrainer(settings, config, vocabulary, encoder,
                new EncoderLocation(fileName, url), dataset.name());
        CaptionTrainer.Result result = trainer.train(trainCorpus, devCorpus, out, line.hasOption("resume"), new BarListener(settings.selfCritical()));
        System.err.printf(Locale.ROOT, "best epoch %d; bundle in %s%n", result.bestEpoch(), out);
        return 0;
    }

    /** Command-line options that set a {@link TrainingSettings} component, by component name. */
    private static final Map<String, String> SETTING_OPTIONS = Map.ofEntries(
            Map.entry("batch-size", "batchSize"), Map.entry("lr", "learningRate"), Map.entry("lr-decay", "lrDecay"),
            Map.entry("lr-decay-every", "lrDecayEvery"), Map.entry("clip", "clipNorm"),
            Map.entry("label-smoothing", "labelSmoothing"), Map.entry("max-words", "maxWords"),
            Map.entry("min-count", "minWordCount"), Map.entry("seed", "seed"), Map.entry("select", "validateCider"),
            Map.entry("objective", "objective"), Map.entry("samples", "samples"), Map.entry("init-from", "initFrom"),
            Map.entry("flip", "mirrors"), Map.entry("hallucination-penalty", "hallucinationPenalty"));

    /** A decoder-size option: the {@link DecoderConfig} component it sets, and how to read it. */
    private record DecoderOption(String component, ToDoubleFunction<DecoderConfig> value) {}

    private static final Map<String, DecoderOption> DECODER_OPTIONS = Map.of(
            "embed", new DecoderOption("embedSize", DecoderConfig::embedSize),
            "hidden", new DecoderOption("hiddenSize", DecoderConfig::hiddenSize),
            "layers", new DecoderOption("numLayers", DecoderConfig::numLayers),
            "dropout", new DecoderOption("dropout", DecoderConfig::dropout),
            "attention", new DecoderOption("attentionSize", DecoderConfig::attentionSize));

    /**
     * A resumed run continues with the settings it was started with: options given again must agree
     * with them, except {@code --epochs}, which may extend the run.
     */
    private static TrainingSettings resumedSettings(CommandLine line, TrainingSettings given,
            CaptionTrainer.CheckpointedRun run) throws UsageException {
        Map<String, List<Object>> changed = run.settings().differencesBesidesEpochs(given);
        for (Map.Entry<String, String> o : SETTING_OPTIONS.entrySet()) {
            if (line.hasOption(o.getKey()) && changed.containsKey(o.getValue())) {
                List<Object> values = changed.get(o.getValue());
                String typed = line.getOptionValue(o.getKey());
                throw new UsageException("--" + o.getKey() + (typed == null ? "" : " " + typed)
                        + " contradicts the run being resumed, which was started with " + o.getValue() + " "
                        + values.get(0) + " (resume keeps a run's settings; only --epochs may change)");
            }
        }
        for (Map.Entry<String, DecoderOption> o : DECODER_OPTIONS.entrySet()) {
            if (line.hasOption(o.getKey())) {
                double stored = o.getValue().value().applyAsDouble(run.config());
                if (doubleValue(line, o.getKey(), 0, 0, 1e9) != stored) {
                    throw new UsageException("--" + o.getKey() + " " + line.getOptionValue(o.getKey())
                            + " contradicts the run being resumed, whose decoder has " + o.getValue().component()
                            + " " + describe(stored));
                }
            }
        }
        int epochs = line.hasOption("epochs") ? given.epochs() : run.settings().epochs();
        if (epochs < run.completedEpochs()) {
            throw new UsageException("--epochs " + epochs + " is fewer than the " + run.completedEpochs()
                    + " epochs the run being resumed has already done");
        }
        return run.settings().withEpochs(epochs);
    }

    /** A stored size as it was typed: 64 rather than 64.0, 0.5 as it is. */
    private static String describe(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private DecoderConfig decoderConfig(CommandLine line, Vocabulary vocabulary, EncoderIdentity encoder)
            throws UsageException {
        try {
            return DecoderConfig.defaults(vocabulary.size(), encoder.featureSize()).withSizes(
                    intValue(line, "embed", 512, 1, 8192), intValue(line, "hidden", 512, 1, 8192),
                    intValue(line, "layers", 1, 1, 2), doubleValue(line, "dropout", 0.5, 0, 0.95))
                    .withAttention(intValue(line, "attention", 0, 0, 8192));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The bundle a run starts from: one decoder, trained on features from this same encoder. */
    private static BundleInfo startingBundle(Path dir, EncoderIdentity encoder) throws UsageException {
        BundleInfo info;
        try {
            info = ModelBundle.readInfo(dir);
        } catch (java.io.IOException e) {
            throw new UsageException("--init-from " + dir + ": " + e.getMessage());
        }
        if (!info.members().isEmpty()) {
            throw new UsageException("--init-from " + dir + " is an ensemble; start from one of its member bundles");
        }
        if (info.encoder().sha256() != null && !info.encoder().sha256().equals(encoder.sha256())) {
            throw new UsageException("--init-from " + dir + " was trained on features of another encoder ("
                    + info.encoder().name() + ") than this feature cache (" + encoder.name() + ")");
        }
        return info;
    }

    /** A bar per epoch (loss, tokens/s, ETA) and a log line after each. */
    private static final class BarListener implements TrainingListener {
        private final Bars bar = new Bars("batch");
        private final boolean selfCritical;

        BarListener(boolean selfCritical) {
            this.selfCritical = selfCritical;
        }

        @Override
        public void resumed(int nextEpoch) {
            System.err.println("resuming after epoch " + nextEpoch);
        }

        @Override
        public void epochStarted(int epoch, int epochs, int steps) {
            bar.start(String.format("epoch %d/%d", epoch + 1, epochs), steps, 0);
        }

        @Override
        public void stepDone(int step, double loss, double tokensPerSecond) {
            // A self-critical step's "loss" is minus the mean reward of its samples (their CIDEr-D, less
            // any hallucination penalty).
            bar.advance(1, selfCritical
                    ? String.format(Locale.ROOT, "sample reward %.3f, %.0f tok/s", -loss, tokensPerSecond)
                    : String.format(Locale.ROOT, "loss %.3f, %.0f tok/s", loss, tokensPerSecond));
        }

        @Override
        public void epochDone(EpochRecord r, boolean best) {
            bar.finish();
            System.err.printf(Locale.ROOT, "epoch %d: train loss %.4f, dev loss %.4f, dev CIDEr %.4f, %.0f s%s%n",
                    r.epoch(), r.trainLoss(), r.validationLoss(), r.validationCider(), r.seconds(), best ? " (best)" : "");
        }
    }
}
