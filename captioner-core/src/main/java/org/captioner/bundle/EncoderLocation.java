package org.captioner.bundle;

/**
 * Where the bundle's encoder can be found on another machine: a file name searched for in the
 * encoder folders, and optionally a URL or DJL zoo id to load it from instead.
 */
public record EncoderLocation(String fileName, String url) {}
