package org.captioner.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where things are by default: the project home (set by the launcher), the default model bundle,
 * and the folders searched for encoder files.
 */
final class Locations {
    private Locations() {}

    static Path home() {
        String h = System.getProperty("captioner.home");
        return (h != null ? Path.of(h) : Path.of(".")).toAbsolutePath().normalize();
    }

    static Path defaultModel() {
        return home().resolve("models").resolve("default");
    }

    /**
     * Encoder folders, in order: {@code CAPTIONER_ENCODER_DIR} (or -Dcaptioner.encoderDir), then
     * ../shared/models/encoders beside the project.
     */
    static List<Path> encoderDirs() {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("CAPTIONER_ENCODER_DIR");
        String prop = System.getProperty("captioner.encoderDir");
        if (prop != null && !prop.isBlank()) {
            dirs.add(Path.of(prop));
        }
        if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env));
        }
        dirs.add(sharedDir().resolve("models").resolve("encoders"));
        return dirs;
    }

    /** ../shared beside the project, or CAPTIONER_SHARED. */
    static Path sharedDir() {
        String env = System.getenv("CAPTIONER_SHARED");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path beside = home().resolveSibling("shared");
        return Files.isDirectory(beside) ? beside : home().resolve("..").resolve("shared").normalize();
    }
}
