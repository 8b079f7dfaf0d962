package org.captioner.files;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Puts a finished file (or folder) where another may already stand, in one step where the file system can. */
public final class FileReplace {

    private FileReplace() {}

    /**
     * Moves {@code from} onto {@code to}, replacing it: atomically where the file system allows, so a
     * reader sees the old file or the new one and never half of either; a plain replace otherwise.
     */
    public static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
