package org.captioner;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files that ship in the repository: the models with their encoder, and the sample photos. */
public final class ProjectFiles {
    private ProjectFiles() {}

    /** The project root (tests run in a module folder). */
    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("captioner"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("not inside the captioner project: " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    public static Path defaultModel() {
        return root().resolve("models/default");
    }

    /** The previous default, a Show-and-Tell ensemble on pooled features, with pooled concept detectors. */
    public static Path showAndTellModel() {
        return root().resolve("models/show-and-tell");
    }

    /** The float MobileNetV2 trunk shipped with the default model: its variant "float" (its own is the fast form). */
    public static Path encoder() {
        return defaultModel().resolve("mobilenet_v2_features.pt");
    }

    public static Path samples() {
        return root().resolve("samples");
    }

    public static Path sample(String name) {
        return samples().resolve(name);
    }
}
