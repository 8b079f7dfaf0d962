package org.captioner.web;

import java.nio.file.Path;

/**
 * The server's limits, immutable and validated (README, "Limits").
 *
 * @param maxFileBytes largest single upload
 * @param maxRequestBytes largest whole request body
 * @param maxPixels largest image, width x height, checked before decoding
 * @param maxRequestPixels most pixels all images of one request may declare together
 * @param maxParts most files in one request
 * @param maxInFlight caption requests admitted at once (being captioned or waiting for the model);
 *     more get 503 with Retry-After instead of piling up. Only requests whose body has fully
 *     arrived are counted.
 * @param bodyIdleMillis longest pause while a request body arrives before it is answered 408
 * @param minBodyBytesPerSecond slowest average rate a request body may arrive at (408 below it)
 * @param maxBodyBytesInFlight most declared request-body bytes being received or held at once (503 past it)
 * @param uploadDir where the servlet layer may spill large uploads (emptied after each request,
 *     deleted when the server stops)
 */
public record ServerSettings(String host, int port, long maxFileBytes, long maxRequestBytes, long maxPixels,
        long maxRequestPixels, int maxParts, int maxInFlight, long bodyIdleMillis, long minBodyBytesPerSecond,
        long maxBodyBytesInFlight, Path uploadDir) {

    public ServerSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxFileBytes < 1 || maxRequestBytes < maxFileBytes) {
            throw new IllegalArgumentException("need 1 <= max file size <= max request size");
        }
        if (maxPixels < 1 || maxRequestPixels < maxPixels || maxParts < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("need positive limits and max pixels <= max request pixels");
        }
        if (maxBodyBytesInFlight < maxRequestBytes) {
            throw new IllegalArgumentException("the body budget must hold at least one largest request");
        }
        if (bodyIdleMillis < 1 || minBodyBytesPerSecond < 0) {
            throw new IllegalArgumentException("need a positive body idle time and a non-negative body rate");
        }
    }

    /** 256 megapixels: four of the largest images one upload may be, or 22 twelve-megapixel photos. */
    public static final long DEFAULT_MAX_REQUEST_PIXELS = 256L * 1024 * 1024;
    public static final int DEFAULT_MAX_PARTS = 32;
    /** 10 s without a byte, or under 1 KB/s on average: a phone on a poor link still uploads 5 MB in time. */
    public static final long DEFAULT_BODY_IDLE_MILLIS = 10_000;
    public static final long DEFAULT_MIN_BODY_BYTES_PER_SECOND = 1024;

    /** 512 MB: eight of the largest requests. */
    public static final long DEFAULT_MAX_BODY_BYTES_IN_FLIGHT = 512L << 20;

    public static ServerSettings defaults(String host, int port, Path uploadDir) {
        return new ServerSettings(host, port, 20L << 20, 64L << 20, 40_000_000L, DEFAULT_MAX_REQUEST_PIXELS,
                DEFAULT_MAX_PARTS, 8, DEFAULT_BODY_IDLE_MILLIS, DEFAULT_MIN_BODY_BYTES_PER_SECOND,
                DEFAULT_MAX_BODY_BYTES_IN_FLIGHT, uploadDir);
    }

    /** The same limits with another admission capacity and body timing (tests use short ones). */
    public ServerSettings withAdmission(int inFlight, long idleMillis, long minBytesPerSecond) {
        return new ServerSettings(host, port, maxFileBytes, maxRequestBytes, maxPixels, maxRequestPixels, maxParts,
                inFlight, idleMillis, minBytesPerSecond, maxBodyBytesInFlight, uploadDir);
    }
}
