package org.captioner.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.captioner.SharedData;
import org.captioner.TrainedShapes;
import org.captioner.bundle.EncoderLocation;
import org.captioner.model.DecoderConfig;
import org.captioner.train.CaptionCorpus;
import org.captioner.train.CaptionTrainer;
import org.captioner.train.TrainingListener;
import org.captioner.train.TrainingSettings;

/** One small bundle trained on the shapes fixture, shared by the CLI tests of a run. */
final class ShapesBundle {
    private static ShapesBundle instance;

    final TrainedShapes shapes;
    final Path bundle;

    private ShapesBundle(TrainedShapes shapes, Path bundle) {
        this.shapes = shapes;
        this.bundle = bundle;
    }

    static synchronized ShapesBundle get() throws Exception {
        if (instance == null) {
            System.setProperty("captioner.encoderDir", SharedData.mobilenet().getParent().toString());
            Path tmp = Files.createTempDirectory("captioner-shapes");
            TrainedShapes shapes = TrainedShapes.prepare(tmp.resolve("shapes"));
            Path bundle = tmp.resolve("bundle");
            DecoderConfig config = new DecoderConfig(shapes.vocabulary.size(), 1280, 32, 64, 1, 0.1);
            new CaptionTrainer(new TrainingSettings(8, 8, 5e-3, 1.0, 1, 5, 0, 20, 1, 1, false), config,
                    shapes.vocabulary, shapes.store.identity(), new EncoderLocation("mobilenet_v2_features.pt", null),
                    "shapes")
                    .train(shapes.corpus(shapes.train), CaptionCorpus.of(Map.of(), Map.of(), shapes.vocabulary, 20),
                            bundle, false, TrainingListener.NONE);
            instance = new ShapesBundle(shapes, bundle);
        }
        return instance;
    }
}
