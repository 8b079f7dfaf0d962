package org.captioner.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.List;
import org.captioner.bundle.ModelBundle;
import org.captioner.bundle.SearchDefaults;
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

    /** The default model's own search settings, for help texts: "beam 5, length penalty 0.5 for models/default". */
    static String defaultSearch() {
        try {
            SearchDefaults d = ModelBundle.readInfo(defaultModel()).search();
            return String.format(Locale.ROOT, "beam %d, length penalty %s for models/default", d.beam(),
                    d.lengthPenalty());
        } catch (IOException | RuntimeException e) {
            return "models/default not found";
        }
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
