package org.captioner.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.captioner.caption.ImageInput;

/**
 * The files named on the command line, with folders walked recursively in sorted order, lazily
 * (a folder of millions of files is never listed into memory at once beyond one directory).
 * Hidden files are skipped; every other file is handed on as an input, so that non-images are reported.
 */
final class ImagePaths implements Iterator<ImageInput> {

    private final Deque<Path> stack = new ArrayDeque<>();
    private Path next;

    ImagePaths(List<Path> roots) {
        for (int i = roots.size() - 1; i >= 0; i--) {
            stack.push(roots.get(i));
        }
    }

    @Override
    public boolean hasNext() {
        while (next == null && !stack.isEmpty()) {
            Path p = stack.pop();
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    List<Path> children = s.filter(c -> !c.getFileName().toString().startsWith(".")).sorted().toList();
                    for (int i = children.size() - 1; i >= 0; i--) {
                        stack.push(children.get(i));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
                }
            } else {
                next = p;
            }
        }
        return next != null;
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
