package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.captioner.ProjectFiles;
import org.captioner.bundle.ModelBundle;
import org.captioner.features.FeatureStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConceptsCommandTest {

    @Test
    void regionDetectorsAreRefusedForABundleWhoseDecodersTakePooledFeatures(@TempDir Path dir) throws Exception {
        // A copy, so that a detector written by mistake could not touch the shipped bundle.
        Path bundle = dir.resolve("show-and-tell");
        Files.createDirectories(bundle);
        try (Stream<Path> files = Files.list(ProjectFiles.showAndTellModel())) {
            for (Path f : files.toList()) {
                Files.createSymbolicLink(bundle.resolve(f.getFileName()), f);
            }
        }
        Files.delete(bundle.resolve("concepts.json"));
        Files.copy(ProjectFiles.showAndTellModel().resolve("concepts.json"), bundle.resolve("concepts.json"));
        byte[] before = Files.readAllBytes(bundle.resolve("concepts.json"));
        FeatureStore grids = FeatureStore.open(dir.resolve("features"),
                ModelBundle.readInfo(bundle).encoder(), new FeatureStore.Layout(49, true));

        CliRunner.Run run = CliRunner.run("concepts", "--model", bundle.toString(), "--dataset", "flickr8k",
                "--data-dir", dir.toString(), "--features", grids.dir().toString(), "--regions");
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("take pooled features"), run.err());
        assertEquals(new String(before), Files.readString(bundle.resolve("concepts.json")));
    }
}
