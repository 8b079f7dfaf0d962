package org.captioner.data;

import java.nio.file.Path;

/** A dataset file that cannot be read as its format; the message names the file and where. */
public class DatasetFormatException extends RuntimeException {
    public DatasetFormatException(Path file, String where, String problem) {
        super(file + (where == null ? "" : " " + where) + ": " + problem);
    }
}
