package org.captioner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.captioner.TrainedShapes;
import org.captioner.bundle.EncoderLocation;
import org.captioner.bundle.ModelBundle;
import org.captioner.model.DecoderConfig;
import org.captioner.model.DecoderSearchModel;
import org.captioner.provenance.EpochRecord;
import org.captioner.provenance.TrainingSettings;
import org.captioner.search.GreedySearch;
import org.captioner.search.Hypothesis;
import org.captioner.search.SearchSettings;
import org.captioner.text.PtbTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionTrainerTest {

    @TempDir
    static Path tmp;
    static TrainedShapes shapes;

    @BeforeAll
    static void prepare() throws Exception {
        shapes = TrainedShapes.prepare(tmp.resolve("shapes"));
    }

    static TrainingSettings settings(int epochs) {
        return new TrainingSettings(epochs, 8, 5e-3, 0.9, 10, 5.0, 0.0, 20, 1, 7L, true);
    }

    /** Self-critical settings (batches of 4 images) that start from the bundle {@code start}. */
    static TrainingSettings selfCritical(int epochs, double lr, long seed, int samples, Path start) {
        return new TrainingSettings(epochs, 4, lr, 1.0, 1, 5.0, 0.0, 20, 1, seed, true,
                TrainingSettings.Objective.SELF_CRITICAL, samples, start.toString());
    }

    /** Trains into {@code out} with {@code settings}, from the decoder (and its sizes) of {@code start}. */
    CaptionTrainer.Result fineTune(TrainingSettings settings, Path start, Path out) throws Exception {
        return new CaptionTrainer(settings, ModelBundle.readInfo(start).decoder(), shapes.vocabulary,
                shapes.store.identity(), new EncoderLocation("mobilenet_v2_features.pt", null), "shapes")
                .train(shapes.corpus(shapes.train), shapes.corpus(shapes.dev), out, false, TrainingListener.NONE);
    }

    CaptionTrainer trainer(int epochs) {
        DecoderConfig config = new DecoderConfig(shapes.vocabulary.size(), 1280, 64, 128, 1, 0.1);
        return new CaptionTrainer(settings(epochs), config, shapes.vocabulary, shapes.store.identity(),
                new EncoderLocation("mobilenet_v2_features.pt", null), "shapes");
    }

    @Test
    void learnsToReproduceTrainingCaptions() throws Exception {
        Path out = tmp.resolve("learn");
        // No validation split: the kept epoch is the one with the lowest training loss.
        CaptionCorpus noValidation = CaptionCorpus.of(java.util.Map.of(), java.util.Map.of(), shapes.vocabulary, 20);
        CaptionTrainer.Result result = trainer(25).train(shapes.corpus(shapes.train), noValidation, out,
                false, TrainingListener.NONE);
        List<EpochRecord> h = result.history();
        assertTrue(h.get(h.size() - 1).trainLoss() < 0.25 * h.get(0).trainLoss(),
                "loss fell from " + h.get(0).trainLoss() + " to " + h.get(h.size() - 1).trainLoss());
        assertTrue(Files.exists(out.resolve("training-log.csv")));
        assertTrue(Files.size(out.resolve("loss-curves.png")) > 1000);
        assertEquals(26, Files.readAllLines(out.resolve("training-log.csv")).size());

        try (ModelBundle bundle = ModelBundle.load(out); NDManager m = NDManager.newBaseManager("PyTorch")) {
            var corpus = shapes.corpus(shapes.train);
            float[][] feats = new float[corpus.imageCount()][];
            for (int i = 0; i < feats.length; i++) {
                feats[i] = corpus.features(i);
            }
            List<Hypothesis> out2 = new GreedySearch(SearchSettings.of(20, 0))
                    .search(bundle.decoder().searchModel(m), feats);
            int exact = 0;
            for (int i = 0; i < feats.length; i++) {
                String caption = bundle.vocabulary().text(out2.get(i).words());
                String want = PtbTokenizer.get().normalize(shapes.captionsOf(corpus.imageId(i)).get(1));
                if (caption.equals(want)) {
                    exact++;
                }
            }
            assertTrue(exact >= feats.length - 1, exact + " of " + feats.length + " training captions reproduced");
        }
    }

    @Test
    void anAttentionDecoderTrainsOnGridsIntoABundleThatCaptionsImages() throws Exception {
        org.captioner.features.FeatureStore grids;
        try (org.captioner.encoder.ImageEncoder encoder = org.captioner.encoder.ImageEncoder.load(
                org.captioner.encoder.EncoderSource.parse(org.captioner.ProjectFiles.encoder().toString()),
                org.captioner.encoder.Preprocessing.squash(224))) {
            grids = org.captioner.features.FeatureStore.open(tmp.resolve("grids"), encoder.identity(),
                    org.captioner.features.FeatureStore.Layout.grid(49));
            new org.captioner.features.FeatureExtractor(encoder, new org.captioner.image.PhotoReader(), 8)
                    .extract(shapes.train.images(), grids, org.captioner.progress.Progress.NONE);
        }
        CaptionCorpus train = CaptionCorpus.build(shapes.train.images(), grids, shapes.vocabulary, 20);
        assertEquals(49 * 1280, train.featureSize());
        DecoderConfig config = new DecoderConfig(shapes.vocabulary.size(), 1280, 32, 64, 1, 0.1).withAttention(32);
        Path out = tmp.resolve("attention");
        CaptionTrainer.Result result = new CaptionTrainer(settings(12), config, shapes.vocabulary, grids.identity(),
                new EncoderLocation("mobilenet_v2_features.pt", null), "shapes")
                .train(train, CaptionCorpus.of(java.util.Map.of(), java.util.Map.of(), shapes.vocabulary, 20), out,
                        false, TrainingListener.NONE);
        List<EpochRecord> h = result.history();
        assertTrue(h.get(h.size() - 1).trainLoss() < 0.5 * h.get(0).trainLoss(),
                "loss fell from " + h.get(0).trainLoss() + " to " + h.get(h.size() - 1).trainLoss());
        try (ModelBundle bundle = ModelBundle.load(out)) {
            assertTrue(bundle.decoder() instanceof org.captioner.model.AttentionDecoder, "the bundle loads its kind");
            assertEquals(32, bundle.info().decoder().attentionSize());
        }
        // The captioner encodes grids for it and captions a training image with its own kind of words.
        try (org.captioner.caption.Captioner captioner = org.captioner.caption.Captioner.open(out,
                new org.captioner.caption.EncoderResolver(org.captioner.ProjectFiles.encoder().toString(), List.of()))) {
            assertTrue(captioner.takesGrids());
            var image = shapes.train.images().get(0);
            String caption = captioner.captionImages(List.of(new org.captioner.image.PhotoReader().read(image.image())),
                    captioner.defaultOptions()).get(0).get(0).text();
            assertTrue(!caption.isBlank() && java.util.Arrays.stream(caption.split(" ")).allMatch(
                    w -> shapes.vocabulary.words().contains(w)), caption);
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        Path straight = tmp.resolve("straight");
        trainer(3).train(shapes.corpus(shapes.train), shapes.corpus(shapes.dev), straight, false, TrainingListener.NONE);

        // Stop after epoch 2 (as a kill during epoch 3 would leave it), then resume to 3 epochs.
        Path interrupted = tmp.resolve("interrupted");
        trainer(2).train(shapes.corpus(shapes.train), shapes.corpus(shapes.dev), interrupted, false, TrainingListener.NONE);
        Files.createDirectories(interrupted.resolve("checkpoints/.tmp-epoch-003"));
        Files.writeString(interrupted.resolve("checkpoints/.tmp-epoch-003/decoder.params"), "half-written");
        int[] resumedAt = {-1};
        trainer(3).train(shapes.corpus(shapes.train), shapes.corpus(shapes.dev), interrupted, true,
                new TrainingListener() {
                    @Override
                    public void resumed(int nextEpoch) {
                        resumedAt[0] = nextEpoch;
                    }
                });
        assertEquals(2, resumedAt[0]);
        assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoints/epoch-003/decoder.params")),
                Files.readAllBytes(interrupted.resolve("checkpoints/epoch-003/decoder.params")),
                "parameters after resuming equal those of the uninterrupted run");
        assertEquals(Files.readString(straight.resolve("training-log.csv")).lines().map(l -> l.replaceAll(",[^,]*,[^,]*$", "")).toList(),
                Files.readString(interrupted.resolve("training-log.csv")).lines().map(l -> l.replaceAll(",[^,]*,[^,]*$", "")).toList());
    }

    @Test
    void refusesToOverwriteARunWithoutResumeOrToResumeItWithOtherSettings() throws Exception {
        Path out = tmp.resolve("twice");
        trainer(1).train(shapes.corpus(shapes.train), shapes.corpus(shapes.dev), out, false, TrainingListener.NONE);
        IOException e = assertThrows(IOException.class, () -> trainer(1).train(shapes.corpus(shapes.train),
                shapes.corpus(shapes.dev), out, false, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());

        // Resuming with other settings than the run's own is refused; more epochs are not.
        TrainingSettings faster = new TrainingSettings(2, 8, 1e-2, 0.9, 10, 5.0, 0.0, 20, 1, 7L, true);
        DecoderConfig config = new DecoderConfig(shapes.vocabulary.size(), 1280, 64, 128, 1, 0.1);
        IllegalArgumentException changed = assertThrows(IllegalArgumentException.class, () -> new CaptionTrainer(
                faster, config, shapes.vocabulary, shapes.store.identity(),
                new EncoderLocation("mobilenet_v2_features.pt", null), "shapes")
                .train(shapes.corpus(shapes.train), shapes.corpus(shapes.dev), out, true, TrainingListener.NONE));
        assertTrue(changed.getMessage().contains("learningRate 0.005, not 0.01"), changed.getMessage());
    }

    @Test
    void selfCriticalTrainingRaisesTheSampledCaptionsCider() throws Exception {
        // An under-trained cross-entropy model: its samples are often wrong, so there is room to improve.
        Path xe = tmp.resolve("scst-start");
        trainer(2).train(shapes.corpus(shapes.train), shapes.corpus(shapes.dev), xe, false, TrainingListener.NONE);
        TrainingSettings scst = selfCritical(12, 2e-3, 7L, 5, xe);
        Path out = tmp.resolve("scst");
        CaptionTrainer.Result result = fineTune(scst, xe, out);
        List<EpochRecord> h = result.history();
        // A self-critical epoch's train loss is minus the mean CIDEr-D of its samples.
        double first = -h.get(0).trainLoss();
        double last = -h.get(h.size() - 1).trainLoss();
        assertTrue(last > first + 0.5, "sample CIDEr-D went from " + first + " to " + last);
        assertEquals(scst, ModelBundle.readInfo(out).provenance().settings());
    }

    @Test
    void aRunStartedFromABundleKeepsThatBundlesProvenance() throws Exception {
        Path start = tmp.resolve("chain-start");
        trainer(1).train(shapes.corpus(shapes.train), shapes.corpus(shapes.dev), start, false, TrainingListener.NONE);
        Path out = tmp.resolve("chain-next");
        fineTune(selfCritical(1, 1e-3, 9L, 3, start), start, out);
        var provenance = ModelBundle.readInfo(out).provenance();
        assertEquals(ModelBundle.readInfo(start).provenance(), provenance.startedFrom());
        assertEquals(TrainingSettings.Objective.CROSS_ENTROPY, provenance.startedFrom().settings().objective());
        assertEquals(null, provenance.startedFrom().startedFrom());
    }
}
