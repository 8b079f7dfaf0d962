package org.captioner.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.captioner.files.FileReplace;
import org.captioner.encoder.EncoderIdentity;

/**
 * An on-disk cache of image feature vectors for one encoder identity:
 * {@code ROOT/<fingerprint>/encoder.json}, one little-endian file per image under
 * {@code vectors/}, and {@code failed.tsv} for images that could not be decoded. Each vector is
 * written to a temporary file and renamed, so an interrupted run leaves only whole vectors and a
 * re-run continues where it stopped.
 *
 * <p>Pooled caches hold one float32 vector per image. Grid caches ({@link Layout#grid}, in
 * {@code <fingerprint>-grid<R>/} with a {@code layout.json}) hold the encoder's R regions per image
 * as float16, about 125 KB an image for MobileNetV2's 7 x 7 x 1,280. A horizontally flipped copy of
 * an image, for augmentation, is stored under {@link #flippedId}.
 */
public final class FeatureStore {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String LAYOUT_FILE = "layout.json";
    private static final String FLIPPED_SUFFIX = "#flipped";

    /**
     * How each image is stored: {@code regions} vectors of the encoder's feature size (1: the
     * pooled vector), in float16 when {@code half}.
     */
    public record Layout(int regions, boolean half) {
        public static final Layout POOLED = new Layout(1, false);

        public Layout {
            if (regions < 1) {
                throw new IllegalArgumentException("regions must be positive");
            }
        }

        /** An encoder's whole grid of {@code regions} regions, in float16. */
        public static Layout grid(int regions) {
            return new Layout(regions, true);
        }

        boolean pooled() {
            return regions == 1 && !half;
        }
    }

    private final Path dir;
    private final EncoderIdentity identity;
    private final Layout layout;

    private FeatureStore(Path dir, EncoderIdentity identity, Layout layout) {
        this.dir = dir;
        this.identity = identity;
        this.layout = layout;
    }

    /** Opens (creating if needed) the pooled cache for {@code identity} under {@code root}. */
    public static FeatureStore open(Path root, EncoderIdentity identity) throws IOException {
        return open(root, identity, Layout.POOLED);
    }

    /** Opens (creating if needed) the cache of {@code layout} for {@code identity} under {@code root}. */
    public static FeatureStore open(Path root, EncoderIdentity identity, Layout layout) throws IOException {
        Path dir = root.resolve(identity.fingerprint() + (layout.pooled() ? "" : "-grid" + layout.regions()));
        Files.createDirectories(dir.resolve("vectors"));
        if (!layout.pooled()) {
            Path layoutFile = dir.resolve(LAYOUT_FILE);
            if (!Files.exists(layoutFile)) {
                JSON.writeValue(layoutFile.toFile(), layout);
            } else if (!JSON.readValue(layoutFile.toFile(), Layout.class).equals(layout)) {
                throw new IOException("feature cache " + dir + " holds another layout than " + layout);
            }
        }
        Path meta = dir.resolve("encoder.json");
        if (Files.exists(meta)) {
            EncoderIdentity stored = JSON.readValue(meta.toFile(), EncoderIdentity.class);
            if (!stored.compatibleWith(identity)) {
                throw new IOException("feature cache " + dir + " belongs to another encoder: "
                        + stored.differences(identity));
            }
        } else {
            JSON.writeValue(meta.toFile(), identity);
        }
        return new FeatureStore(dir, identity, layout);
    }

    /**
     * Opens an existing cache under {@code root} without an encoder at hand: the one identity
     * stored there, or {@code root} itself if it is a cache folder.
     */
    public static FeatureStore openExisting(Path root) throws IOException {
        if (Files.exists(root.resolve("encoder.json"))) {
            return existing(root);
        }
        if (!Files.isDirectory(root)) {
            throw new IOException("feature folder not found: " + root);
        }
        List<Path> caches = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.exists(p.resolve("encoder.json"))).sorted().forEach(caches::add);
        }
        if (caches.isEmpty()) {
            throw new IOException("no feature cache in " + root + " (run ./captioner features first)");
        }
        if (caches.size() > 1) {
            throw new IOException("several encoders' features in " + root + ": " + caches
                    + "; pass one of these folders");
        }
        return existing(caches.get(0));
    }

    private static FeatureStore existing(Path dir) throws IOException {
        Path layoutFile = dir.resolve(LAYOUT_FILE);
        Layout layout = Files.exists(layoutFile) ? JSON.readValue(layoutFile.toFile(), Layout.class) : Layout.POOLED;
        return new FeatureStore(dir, JSON.readValue(dir.resolve("encoder.json").toFile(), EncoderIdentity.class),
                layout);
    }

    public Layout layout() {
        return layout;
    }

    /** The id under which the horizontally flipped copy of {@code imageId} is stored. */
    public static String flippedId(String imageId) {
        return imageId + FLIPPED_SUFFIX;
    }

    public EncoderIdentity identity() {
        return identity;
    }

    public Path dir() {
        return dir;
    }

    /** Whether a vector for {@code imageId} is stored. */
    public boolean contains(String imageId) {
        return Files.exists(file(imageId));
    }

    /** Values stored per image: the feature size times the regions. */
    public int valuesPerImage() {
        return identity.featureSize() * layout.regions();
    }

    public void put(String imageId, float[] vector) throws IOException {
        if (vector.length != valuesPerImage()) {
            throw new IllegalArgumentException("vector has " + vector.length + " values, the cache holds "
                    + valuesPerImage() + " per image");
        }
        ByteBuffer buf = ByteBuffer.allocate(vector.length * bytesPerValue()).order(ByteOrder.LITTLE_ENDIAN);
        if (layout.half()) {
            for (float v : vector) {
                buf.putShort(Float16.fromFloat(v));
            }
        } else {
            buf.asFloatBuffer().put(vector);
        }
        Path target = file(imageId);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, buf.array());
        FileReplace.moveIntoPlace(tmp, target);
    }

    /** The stored vector, or null when absent. */
    public float[] get(String imageId) throws IOException {
        Path f = file(imageId);
        if (!Files.exists(f)) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(f);
        if (bytes.length != valuesPerImage() * bytesPerValue()) {
            throw new IOException("feature file " + f + " has " + bytes.length + " bytes, expected "
                    + valuesPerImage() * bytesPerValue() + " (delete it and re-run features)");
        }
        float[] out = new float[valuesPerImage()];
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (layout.half()) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Float16.toFloat(in.getShort());
            }
        } else {
            in.asFloatBuffer().get(out);
        }
        return out;
    }

    private int bytesPerValue() {
        return layout.half() ? 2 : 4;
    }

    /** Records an image that could not be used, with the reason; later runs skip nothing for it. */
    public synchronized void markFailed(String imageId, String reason) throws IOException {
        String line = imageId.replace('\t', ' ') + "\t" + reason.replace('\t', ' ').replace('\n', ' ') + "\n";
        Files.writeString(dir.resolve("failed.tsv"), line, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Images recorded as failed (latest reason per id). */
    public Map<String, String> failures() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Path f = dir.resolve("failed.tsv");
        if (Files.exists(f)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    out.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        }
        return out;
    }

    private Path file(String imageId) {
        return dir.resolve("vectors").resolve(safeName(imageId) + (layout.half() ? ".f16" : ".f32"));
    }

    /** Image ids are file names or paths; keep them readable but never let them escape the folder. */
    static String safeName(String imageId) {
        String cleaned = imageId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (cleaned.equals(imageId) && !cleaned.startsWith(".")) {
            return cleaned;
        }
        String hash = HexFormat.of().formatHex(imageId.getBytes(StandardCharsets.UTF_8));
        return (cleaned.length() > 60 ? cleaned.substring(0, 60) : cleaned) + "-"
                + Integer.toHexString(hash.hashCode());
    }
}
