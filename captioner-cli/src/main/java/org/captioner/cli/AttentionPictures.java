package org.captioner.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.captioner.caption.CaptionResult;
import org.captioner.caption.ScoredCaption;
import org.captioner.encoder.Preprocessing;
import org.captioner.image.ImageReadException;
import org.captioner.image.PhotoReader;
import org.captioner.report.AttentionPicture;

/**
 * {@code caption --attention DIR}: one PNG per captioned photo, {@code <file name>.attention.png}
 * ({@code -2}, {@code -3}… when two photos share a file name), showing where the decoder looked for
 * each word of the best caption. The photo is read again from its path: the captioner keeps no
 * photo once it is encoded, and a second decode costs less than the search.
 */
final class AttentionPictures {

    private final Path dir;
    private final Preprocessing preprocessing;
    private final PhotoReader reader;
    private final Set<String> used = new HashSet<>();

    /**
     * Refuses a folder for the pictures that lies inside a folder being captioned: the walk would
     * caption the pictures as photos.
     */
    static void check(Path dir, List<Path> inputs) throws UsageException {
        Path real = dir.toAbsolutePath().normalize();
        try {
            // The deepest existing ancestor decides where the folder really is.
            Path existing = real;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                real = existing.toRealPath().resolve(existing.relativize(real));
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new UsageException("--attention " + dir + " is a file; name a folder");
            }
            for (Path input : inputs) {
                if (Files.isDirectory(input) && real.startsWith(input.toRealPath())) {
                    throw new UsageException("--attention " + dir + " lies inside " + input
                            + ", which is being captioned; put the pictures somewhere else");
                }
            }
        } catch (IOException e) {
            throw new UsageException("--attention " + dir + ": " + e.getMessage());
        }
    }

    AttentionPictures(Path dir, Preprocessing preprocessing, PhotoReader reader) {
        this.dir = dir;
        this.preprocessing = preprocessing;
        this.reader = reader;
    }

    /** Draws {@code result}'s best caption's attention over its photo; the file written. */
    Path write(CaptionResult result) throws IOException {
        ScoredCaption best = result.best();
        if (best == null || best.attention() == null) {
            return null;
        }
        Path photoPath = Path.of(result.name());
        BufferedImage photo;
        try {
            photo = reader.read(photoPath);
        } catch (ImageReadException e) {
            // Read once already; if it changed since, the caption stands and only the picture is missing.
            System.err.println("captioner: no attention picture for " + ResultWriter.escape(result.name()) + ": "
                    + e.getMessage());
            return null;
        }
        List<String> words = best.text().isEmpty() ? List.of() : Arrays.asList(best.text().split(" "));
        BufferedImage picture = AttentionPicture.draw(photo, preprocessing.seenRegion(photo.getWidth(),
                photo.getHeight()), best.text(), words, best.attention());
        Path target = dir.resolve(uniqueName(photoPath.getFileName().toString()));
        if (!ImageIO.write(picture, "png", target.toFile())) {
            throw new IOException("no PNG writer for " + target);
        }
        return target;
    }

    private String uniqueName(String fileName) {
        String name = fileName + ".attention.png";
        for (int n = 2; !used.add(name); n++) {
            name = fileName + "-" + n + ".attention.png";
        }
        return name;
    }
}
