package org.captioner.cli;

import java.nio.file.Path;
import java.util.List;
import org.captioner.caption.EncoderResolver;

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

    /** Encoder folders (see {@link EncoderResolver#standardFolders}). */
    static List<Path> encoderDirs() {
        return EncoderResolver.standardFolders(sharedDir());
    }

    /** ../shared beside the project, or CAPTIONER_SHARED. */
    static Path sharedDir() {
        return EncoderResolver.sharedDir(home());
    }
}
