package org.captioner.caption;

import java.nio.file.Path;
import java.util.Objects;

/** One image to caption: a file, or bytes received from elsewhere (an upload), with a display name. */
public record ImageInput(String name, Path path, byte[] bytes) {

    public ImageInput {
        Objects.requireNonNull(name, "name");
        if ((path == null) == (bytes == null)) {
            throw new IllegalArgumentException("give exactly one of path and bytes");
        }
    }

    public static ImageInput of(Path path) {
        return new ImageInput(path.toString(), path, null);
    }

    public static ImageInput of(String name, byte[] bytes) {
        return new ImageInput(name, null, bytes);
    }
}
