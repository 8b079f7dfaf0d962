package org.captioner.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.captioner.caption.ImageInput;

/**
 * The files named on the command line, with folders walked recursively in sorted order, lazily
 * (a folder of millions of files is never listed into memory at once beyond one directory; what
 * grows is one file-system key per file, about 100 bytes, to caption each file once).
 * Hidden files are skipped; every other entry is handed on as an input, so that non-images (and
 * pipes, devices, broken links) are reported by the reader.
 *
 * <p>Symbolic links are followed, but each real folder is walked once and each real file handed on
 * once (tracked by file-system key), so a link back up the tree ({@code self -> .}) or two names
 * for one photo never caption anything twice; a folder that cannot be listed is reported and the
 * walk goes on. Both kinds of report go to {@code notes}.
 */
final class ImagePaths implements Iterator<ImageInput> {

    private final Deque<Path> stack = new ArrayDeque<>();
    private final Consumer<String> notes;
    /** File-system key (or real path, where the file system has no keys) → the first path seen. */
    private final Map<Object, Path> walked = new HashMap<>();
    private final java.util.Set<Object> handedOn = new java.util.HashSet<>();
    private int unlistable;
    private Path next;
    /** The key of the file results are written to, when it exists: it must not be among the inputs. */
    private Object output;

    /** Thrown when the walk reaches the file the results are to replace (through a link, say). */
    static final class OutputAmongInputs extends RuntimeException {
        OutputAmongInputs(String message) {
            super(message);
        }
    }

    /** Refuses to hand on the file with this key (the output file), or nothing when null. */
    ImagePaths protecting(Object outputKey) {
        this.output = outputKey;
        return this;
    }

    /** Lists one folder's entries (in any order). */
    interface Lister {
        List<Path> list(Path dir) throws IOException;
    }

    private final Lister lister;

    ImagePaths(List<Path> roots, Consumer<String> notes) {
        this(roots, notes, ImagePaths::listFolder);
    }

    /** With another way to list folders: tests use it to make one unlistable even for root. */
    ImagePaths(List<Path> roots, Consumer<String> notes, Lister lister) {
        this.notes = notes;
        this.lister = lister;
        for (int i = roots.size() - 1; i >= 0; i--) {
            stack.push(roots.get(i));
        }
    }

    /** Folders that could not be listed so far: their images were not captioned. */
    int unlistableFolders() {
        return unlistable;
    }

    @Override
    public boolean hasNext() {
        while (next == null && !stack.isEmpty()) {
            Path p = stack.pop();
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (IOException e) {
                next = p; // a broken link or a vanished file: the reader says which
                break;
            }
            Object key = key(p, attributes);
            if (attributes.isDirectory()) {
                Path first = walked.putIfAbsent(key, p);
                if (first != null) {
                    notes.accept(p + ": skipped, the same folder as " + first + " (a link loop or a repeated"
                            + " argument); each folder is walked once");
                    continue;
                }
                List<Path> children = new ArrayList<>();
                try {
                    for (Path c : lister.list(p)) {
                        if (!c.getFileName().toString().startsWith(".")) {
                            children.add(c);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    unlistable++;
                    notes.accept(p + ": cannot list this folder (" + reason(e) + "); its images are not captioned,"
                            + " the rest are");
                    continue;
                }
                children.sort(null);
                for (int i = children.size() - 1; i >= 0; i--) {
                    stack.push(children.get(i));
                }
            } else {
                if (key.equals(output)) {
                    throw new OutputAmongInputs("--output is the file " + p + ", which is among the images being"
                            + " captioned; write the results somewhere else (the output was left as it was)");
                }
                // Every file's key is kept (about 100 bytes a file): a file met directly may be met again
                // later through a link, in any order, and only its key can tell.
                if (!handedOn.add(key)) {
                    notes.accept(p + ": skipped, the same file as one already captioned in this run (another"
                            + " name or a link); each file is captioned once");
                    continue;
                }
                next = p;
            }
        }
        return next != null;
    }

    private static List<Path> listFolder(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(out::add);
        }
        return out;
    }

    private static Object key(Path p, BasicFileAttributes attributes) {
        Object key = attributes.fileKey();
        if (key != null) {
            return key;
        }
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static String reason(Exception e) {
        Throwable t = e.getCause() != null && e instanceof java.io.UncheckedIOException ? e.getCause() : e;
        String m = t.getMessage();
        String kind = t.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2");
        return m == null ? kind : kind.equals("IO") ? m : kind.toLowerCase(java.util.Locale.ROOT) + ": " + m;
    }

    @Override
    public ImageInput next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Path p = next;
        next = null;
        return ImageInput.of(p);
    }
}
