package org.captioner.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.captioner.image.ImageReadException;
import org.captioner.image.PhotoReader;

/**
 * Reads a file from any Hadoop file system (file://, hdfs://, s3a:// with its connector) within a
 * byte limit, on an executor. The driver's Hadoop settings travel as a plain map, since
 * {@link Configuration} is not serialisable.
 */
final class BoundedRead {

    private BoundedRead() {}

    static Configuration configuration(Map<String, String> settings) {
        Configuration conf = new Configuration(false);
        settings.forEach(conf::set);
        return conf;
    }

    static Map<String, String> settings(Configuration conf) {
        Map<String, String> out = new java.util.HashMap<>();
        conf.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /**
     * A file as Spark's listing names it: a URI, percent-encoded ({@code my%20photo.jpg}), which
     * {@code new Path(String)} would take literally.
     */
    static Path path(String uri) {
        return new Path(java.net.URI.create(uri));
    }

    /** The file's bytes; over {@code maxBytes} is an error, whatever size the file system reports. */
    static byte[] read(String uri, Configuration conf, long maxBytes) throws ImageReadException {
        Path path = path(uri);
        try {
            FileSystem fs = path.getFileSystem(conf);
            var status = fs.getFileStatus(path);
            if (!status.isFile()) {
                throw new ImageReadException(ImageReadException.Kind.UNREADABLE, "not a regular file");
            }
            if (status.getLen() > maxBytes) {
                throw new ImageReadException(ImageReadException.Kind.TOO_LARGE,
                        "file is " + status.getLen() + " bytes, over the limit of " + maxBytes);
            }
            try (InputStream in = fs.open(path)) {
                return PhotoReader.readWithin(in, maxBytes);
            }
        } catch (IOException e) {
            throw new ImageReadException(ImageReadException.Kind.UNREADABLE, "cannot read file: " + e.getMessage(), e);
        }
    }
}
