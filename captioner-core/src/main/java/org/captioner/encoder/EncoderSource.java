package org.captioner.encoder;

import java.nio.file.Path;

/** Where an encoder comes from: a local TorchScript file, a URL, or a DJL model-zoo id. */
public record EncoderSource(Kind kind, String location) {

    public enum Kind { FILE, URL, ZOO }

    /** {@code djl://...} is a zoo id, {@code http(s)://}/{@code jar://}/{@code s3://} a URL, else a file path. */
    public static EncoderSource parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("encoder location is empty");
        }
        if (text.startsWith("djl://")) {
            return new EncoderSource(Kind.ZOO, text);
        }
        if (text.matches("^(https?|jar|s3|hdfs)://.*")) {
            return new EncoderSource(Kind.URL, text);
        }
        String path = text.startsWith("file:") ? text.substring(5) : text;
        return new EncoderSource(Kind.FILE, Path.of(path).toAbsolutePath().normalize().toString());
    }

    public Path path() {
        if (kind != Kind.FILE) {
            throw new IllegalStateException(location + " is not a local file");
        }
        return Path.of(location);
    }
}
