package org.captioner;

import java.nio.file.Path;
import java.util.List;
import org.captioner.data.DatasetFormat;
import org.captioner.data.Split;
import org.captioner.data.SplitData;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.encoder.Preprocessing;
import org.captioner.features.FeatureExtractor;
import org.captioner.features.FeatureStore;
import org.captioner.image.PhotoReader;
import org.captioner.progress.Progress;
import org.captioner.text.Vocabulary;
import org.captioner.train.CaptionCorpus;

/** The shapes fixture with features extracted by the shipped MobileNetV2, ready to train on. */
public final class TrainedShapes {
    public final ShapesFixture fixture;
    public final FeatureStore store;
    public final SplitData train;
    public final SplitData dev;
    public final Vocabulary vocabulary;

    private TrainedShapes(ShapesFixture fixture, FeatureStore store, SplitData train, SplitData dev, Vocabulary v) {
        this.fixture = fixture;
        this.store = store;
        this.train = train;
        this.dev = dev;
        this.vocabulary = v;
    }

    public static TrainedShapes prepare(Path dir) throws Exception {
        ShapesFixture fixture = ShapesFixture.write(dir.resolve("data"));
        var dataset = DatasetFormat.FLICKR8K.open(fixture.dir, null);
        SplitData train = dataset.split(Split.TRAIN);
        SplitData dev = dataset.split(Split.DEV);
        FeatureStore store;
        try (ImageEncoder encoder = ImageEncoder.load(EncoderSource.parse(ProjectFiles.encoder().toString()),
                Preprocessing.squash(224))) {
            store = FeatureStore.open(dir.resolve("features"), encoder.identity());
            FeatureExtractor extractor = new FeatureExtractor(encoder, new PhotoReader(), 8);
            extractor.extract(train.images(), store, Progress.NONE);
            extractor.extract(dev.images(), store, Progress.NONE);
        }
        Vocabulary vocabulary = Vocabulary.build(CaptionCorpus.tokenise(train.images()), 1);
        return new TrainedShapes(fixture, store, train, dev, vocabulary);
    }

    public CaptionCorpus corpus(SplitData split) throws Exception {
        return CaptionCorpus.build(split.images(), store, vocabulary, 20);
    }

    /** Trains a small decoder on the training split into {@code out} (a few seconds). */
    public Path trainBundle(Path out) throws Exception {
        org.captioner.model.DecoderConfig config =
                new org.captioner.model.DecoderConfig(vocabulary.size(), 1280, 32, 64, 1, 0.1);
        new org.captioner.train.CaptionTrainer(
                new org.captioner.provenance.TrainingSettings(8, 8, 5e-3, 1.0, 1, 5, 0, 20, 1, 1, false), config,
                vocabulary, store.identity(), new org.captioner.bundle.EncoderLocation("mobilenet_v2_features.pt", null),
                "shapes")
                .train(corpus(train), CaptionCorpus.of(java.util.Map.of(), java.util.Map.of(), vocabulary, 20), out,
                        false, org.captioner.train.TrainingListener.NONE);
        return out;
    }

    /**
     * Trains a small attention decoder (attention width 32) on the training split's 7×7 grids into
     * {@code out}; the grids are extracted into {@code out}'s sibling {@code grids/}.
     */
    public Path trainAttentionBundle(Path out, int epochs) throws Exception {
        FeatureStore grids;
        try (ImageEncoder encoder = ImageEncoder.load(EncoderSource.parse(ProjectFiles.encoder().toString()),
                Preprocessing.squash(224))) {
            grids = FeatureStore.open(out.resolveSibling(out.getFileName() + "-grids"), encoder.identity(),
                    FeatureStore.Layout.grid(49));
            new FeatureExtractor(encoder, new PhotoReader(), 8).extract(train.images(), grids, Progress.NONE);
        }
        org.captioner.model.DecoderConfig config =
                new org.captioner.model.DecoderConfig(vocabulary.size(), 1280, 32, 64, 1, 0.1).withAttention(32);
        new org.captioner.train.CaptionTrainer(
                new org.captioner.provenance.TrainingSettings(epochs, 8, 5e-3, 0.9, 10, 5.0, 0.0, 20, 1, 7L, true),
                config, vocabulary, grids.identity(),
                new org.captioner.bundle.EncoderLocation("mobilenet_v2_features.pt", null), "shapes")
                .train(CaptionCorpus.build(train.images(), grids, vocabulary, 20),
                        CaptionCorpus.of(java.util.Map.of(), java.util.Map.of(), vocabulary, 20), out, false,
                        org.captioner.train.TrainingListener.NONE);
        return out;
    }

    public List<String> captionsOf(String id) {
        return fixture.captions.get(id);
    }
}
