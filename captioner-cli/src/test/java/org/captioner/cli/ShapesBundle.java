package org.captioner.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.captioner.ProjectFiles;
import org.captioner.TrainedShapes;

/** One small bundle trained on the shapes fixture, shared by the CLI tests of a run. */
final class ShapesBundle {
    private static ShapesBundle instance;

    final TrainedShapes shapes;
    final Path bundle;
    private Path attentionBundle;

    private ShapesBundle(TrainedShapes shapes, Path bundle) {
        this.shapes = shapes;
        this.bundle = bundle;
    }

    static synchronized ShapesBundle get() throws Exception {
        if (instance == null) {
            System.setProperty("captioner.encoderDir", ProjectFiles.encoder().getParent().toString());
            Path tmp = Files.createTempDirectory("captioner-shapes");
            TrainedShapes shapes = TrainedShapes.prepare(tmp.resolve("shapes"));
            Path bundle = shapes.trainBundle(tmp.resolve("bundle"));
            instance = new ShapesBundle(shapes, bundle);
        }
        return instance;
    }

    /** A small Show-Attend-and-Tell bundle on the same fixture, trained the first time it is asked for. */
    synchronized Path attentionBundle() throws Exception {
        if (attentionBundle == null) {
            attentionBundle = shapes.trainAttentionBundle(bundle.resolveSibling("attention"), 12);
        }
        return attentionBundle;
    }
}
