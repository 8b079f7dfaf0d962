package org.captioner;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates ../shared (datasets and evaluation files beside the project), configurable with
 * -Dcaptioner.shared or $CAPTIONER_SHARED. Only tests that need real datasets or reference scores use it: the model,
 * its encoder and sample photos ship in the repository ({@link ProjectFiles}).
 */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        String configured = System.getProperty("captioner.shared", System.getenv("CAPTIONER_SHARED"));
        Path p = configured != null ? Path.of(configured) : Path.of("..", "shared");
        if (!Files.isDirectory(p)) {
            p = Path.of("..", "..", "shared");
        }
        return p.toAbsolutePath().normalize();
    }

    /**
     * A file or folder under ../shared. Missing, the test fails on CI (which always has ../shared,
     * so a skip there would hide a broken setup) and is skipped elsewhere, saying what is missing.
     */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            String message = "shared data missing: " + p + " (set -Dcaptioner.shared or put ../shared beside the project)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + "; CI=true, so this is a failure, not a skip");
            }
            Assumptions.abort(message);
        }
        return p;
    }
}
