package org.captioner.web;

import java.nio.file.Path;

/**
 * The server's limits, immutable and validated.
 *
 * @param maxFileBytes largest single upload
 * @param maxRequestBytes largest whole request body
 * @param maxPixels largest image, width x height, checked before decoding
 * @param maxInFlight caption requests admitted at once (being captioned or waiting for the model);
 *     more get 503 with Retry-After instead of piling up
 * @param uploadDir where the servlet layer may spill large uploads (emptied after each request)
 */
public record ServerSettings(String host, int port, long maxFileBytes, long maxRequestBytes, long maxPixels,
        int maxInFlight, Path uploadDir) {

    public ServerSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxFileBytes < 1 || maxRequestBytes < maxFileBytes) {
            throw new IllegalArgumentException("need 1 <= max file size <= max request size");
        }
        if (maxPixels < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("max pixels and max in flight must be positive");
        }
    }

    public static ServerSettings defaults(String host, int port, Path uploadDir) {
        return new ServerSettings(host, port, 20L << 20, 64L << 20, 40_000_000L, 8, uploadDir);
    }
}
