package org.captioner;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates ../shared (data and weights beside the project), configurable with -Dcaptioner.shared. */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        String configured = System.getProperty("captioner.shared");
        Path p = configured != null ? Path.of(configured) : Path.of("..", "shared");
        if (!Files.isDirectory(p)) {
            p = Path.of("..", "..", "shared");
        }
        return p.toAbsolutePath().normalize();
    }

    public static Path require(String relative) {
        Path p = root().resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "shared data missing: " + p);
        return p;
    }

    public static Path mobilenet() {
        return require("models/encoders/mobilenet_v2_features.pt");
    }
}
