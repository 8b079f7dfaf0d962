package org.captioner.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.captioner.files.FileReplace;

/**
 * Where results go: standard output, or a file that is written beside its target under a hidden
 * temporary name and moved into place when the run ends ({@link #commit}), so an existing file is
 * never left half-overwritten. A run that fails before committing deletes its temporary file and
 * leaves the target as it was.
 */
final class OutputFile implements AutoCloseable {

    private final Writer writer;
    private final Path target;
    private final Path temporary;
    private boolean done;

    /**
     * @param target the file the temporary one replaces, or null when writing straight to
     *     {@code writer}'s destination (standard output, a device, a pipe)
     */
    private OutputFile(Writer writer, Path target, Path temporary) {
        this.writer = writer;
        this.target = target;
        this.temporary = temporary;
    }

    static OutputFile stdout() {
        return new OutputFile(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)) {
            @Override
            public void close() throws IOException {
                flush(); // standard output stays open for whatever is printed after the results
            }
        }, null, null);
    }

    /**
     * Output to {@code target}. A regular file (new or existing; through a link, its target) is written
     * beside it and moved into place by {@link #commit}, keeping an existing file's permissions; a
     * device or pipe ({@code /dev/stdout}, a FIFO) is written directly, since it cannot be replaced.
     */
    static OutputFile replacing(Path target) throws IOException {
        Path real = Files.exists(target) ? target.toRealPath()
                : Files.isSymbolicLink(target) ? danglingTarget(target) : target.toAbsolutePath();
        if (Files.exists(real) && !Files.isRegularFile(real)) {
            return new OutputFile(Files.newBufferedWriter(real, StandardCharsets.UTF_8), null, null);
        }
        Path temporary = null;
        for (int attempt = 0; temporary == null; attempt++) {
            Path candidate = real.resolveSibling("." + real.getFileName() + "." + Long.toUnsignedString(
                    java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".part");
            try {
                // Created like any new file (mode 0666 less the umask), not 0600 as a temp file would be.
                Files.newOutputStream(candidate, java.nio.file.StandardOpenOption.CREATE_NEW).close();
                temporary = candidate;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
        try {
            if (Files.isRegularFile(real)) {
                try {
                    Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(real));
                } catch (UnsupportedOperationException e) {
                    // Not a POSIX file system: the new file's defaults will do.
                }
            }
            return new OutputFile(Files.newBufferedWriter(temporary, StandardCharsets.UTF_8), real, temporary);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Where a link that points at nothing (yet) points: the file it names is created there. */
    private static Path danglingTarget(Path link) throws IOException {
        Path to = Files.readSymbolicLink(link);
        return link.toAbsolutePath().getParent().resolve(to).normalize();
    }

    /** The output's file-system key when it already exists as a regular file, else null. */
    static Object existingKey(Path output) {
        try {
            return Files.isRegularFile(output) ? Files.readAttributes(output,
                    java.nio.file.attribute.BasicFileAttributes.class).fileKey() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Refuses an output path that would overwrite an input or land among the images being
     * captioned: it is one of the inputs (or a link to one), or it lies inside an input folder.
     */
    static void check(Path output, List<Path> inputs) throws UsageException {
        if (Files.isDirectory(output)) {
            throw new UsageException("--output " + output + " is a folder; name a file");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UsageException("--output " + output + ": folder " + parent + " does not exist");
        }
        Path real;
        try {
            real = parent.toRealPath().resolve(output.getFileName());
            for (Path input : inputs) {
                if (!Files.exists(input)) {
                    continue; // reported by the walk like any unreadable input
                }
                Path in = input.toRealPath();
                boolean same = Files.exists(output) && Files.isSameFile(output, in);
                if (same || (Files.isDirectory(in) && real.startsWith(in))) {
                    throw new UsageException("--output " + output + (same ? " is the input " + input
                            : " lies inside " + input + ", which is being captioned")
                            + "; write the results somewhere else (nothing was written)");
                }
            }
        } catch (IOException e) {
            throw new UsageException("--output " + output + ": " + e.getMessage());
        }
    }

    Writer writer() {
        return writer;
    }

    /** Flushes what was written and, for a file, moves it into place. */
    void commit() throws IOException {
        done = true;
        if (target == null) {
            writer.flush();
            return;
        }
        writer.close();
        FileReplace.moveIntoPlace(temporary, target);
    }

    @Override
    public void close() throws IOException {
        if (target == null) {
            writer.close();
        } else if (!done) {
            writer.close();
            Files.deleteIfExists(temporary);
        }
    }
}
