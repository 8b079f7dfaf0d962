package org.captioner;

import java.nio.file.Path;
import java.util.List;
import org.captioner.data.DatasetFormat;
import org.captioner.data.SplitData;
import org.captioner.data.Split;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.encoder.Preprocessing;
import org.captioner.features.FeatureExtractor;
import org.captioner.features.FeatureStore;
import org.captioner.image.ImageDecoder;
import org.captioner.progress.Progress;
import org.captioner.train.CaptionCorpus;
import org.captioner.text.Vocabulary;

/** The shapes fixture with features extracted by the shared MobileNetV2, ready to train on. */
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
        try (ImageEncoder encoder = ImageEncoder.load(EncoderSource.parse(SharedData.mobilenet().toString()),
                Preprocessing.squash(224))) {
            store = FeatureStore.open(dir.resolve("features"), encoder.identity());
            FeatureExtractor extractor = new FeatureExtractor(encoder, new ImageDecoder(), 8);
            extractor.extract(train.images(), store, Progress.NONE);
            extractor.extract(dev.images(), store, Progress.NONE);
        }
        Vocabulary vocabulary = Vocabulary.build(CaptionCorpus.tokenise(train.images()), 1);
        return new TrainedShapes(fixture, store, train, dev, vocabulary);
    }

    public CaptionCorpus corpus(SplitData split) throws Exception {
        return CaptionCorpus.build(split.images(), store, vocabulary, 20);
    }

    public List<String> captionsOf(String id) {
        return fixture.captions.get(id);
    }
}
