package org.captioner.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.captioner.files.FileReplace;

/**
 * Per-epoch checkpoint folders {@code epoch-NNN/}, each built in a temporary folder and renamed
 * into place, with a {@code latest} file naming the newest complete one. A process killed at any
 * moment leaves the previous checkpoint intact.
 */
final class Checkpoints {

    interface Writer {
        void write(Path dir) throws IOException;
    }

    private final Path root;

    Checkpoints(Path root) {
        this.root = root;
    }

    /** The newest complete checkpoint, or null. */
    Path latest() throws IOException {
        Path pointer = root.resolve("latest");
        if (!Files.exists(pointer)) {
            return null;
        }
        Path dir = root.resolve(Files.readString(pointer, StandardCharsets.UTF_8).strip());
        if (!Files.exists(dir.resolve("state.json"))) {
            throw new IOException("checkpoint " + dir + " named by " + pointer + " is incomplete");
        }
        return dir;
    }

    /** Writes the bulk of checkpoint {@code epoch} into its temporary folder. */
    void save(int epoch, Writer writer) throws IOException {
        Path tmp = root.resolve(".tmp-" + name(epoch));
        deleteTree(tmp);
        Files.createDirectories(tmp);
        writer.write(tmp);
    }

    /** Adds the last file, moves the checkpoint into place, points {@code latest} at it, prunes old ones. */
    void finish(int epoch, Writer writer) throws IOException {
        Path tmp = root.resolve(".tmp-" + name(epoch));
        writer.write(tmp);
        Path dir = root.resolve(name(epoch));
        deleteTree(dir);
        FileReplace.moveIntoPlace(tmp, dir);
        Path pointerTmp = root.resolve("latest.tmp");
        Files.writeString(pointerTmp, name(epoch) + "\n", StandardCharsets.UTF_8);
        FileReplace.moveIntoPlace(pointerTmp, root.resolve("latest"));
        // Keep the newest two: the one just written and its predecessor.
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("epoch-")).toList()) {
                int n = Integer.parseInt(p.getFileName().toString().substring(6));
                if (n < epoch - 1) {
                    deleteTree(p);
                }
            }
        }
    }

    private static String name(int epoch) {
        return String.format("epoch-%03d", epoch);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
