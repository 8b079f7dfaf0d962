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
 * {@code ROOT/<fingerprint>/encoder.json}, one little-endian float32 file per image under
 * {@code vectors/}, and {@code failed.tsv} for images that could not be decoded. Each vector is
 * written to a temporary file and renamed, so an interrupted run leaves only whole vectors and a
 * re-run continues where it stopped.
 */
public final class FeatureStore {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final EncoderIdentity identity;

    private FeatureStore(Path dir, EncoderIdentity identity) {
        this.dir = dir;
        this.identity = identity;
    }

    /** Opens (creating if needed) the cache for {@code identity} under {@code root}. */
    public static FeatureStore open(Path root, EncoderIdentity identity) throws IOException {
        Path dir = root.resolve(identity.fingerprint());
        Files.createDirectories(dir.resolve("vectors"));
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
        return new FeatureStore(dir, identity);
    }

    /**
     * Opens an existing cache under {@code root} without an encoder at hand: the one identity
     * stored there, or {@code root} itself if it is a cache folder.
     */
    public static FeatureStore openExisting(Path root) throws IOException {
        if (Files.exists(root.resolve("encoder.json"))) {
            return new FeatureStore(root, JSON.readValue(root.resolve("encoder.json").toFile(), EncoderIdentity.class));
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
        Path dir = caches.get(0);
        return new FeatureStore(dir, JSON.readValue(dir.resolve("encoder.json").toFile(), EncoderIdentity.class));
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

    public void put(String imageId, float[] vector) throws IOException {
        if (vector.length != identity.featureSize()) {
            throw new IllegalArgumentException("vector has " + vector.length + " values, encoder gives "
                    + identity.featureSize());
        }
        ByteBuffer buf = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(vector);
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
        if (bytes.length != identity.featureSize() * 4) {
            throw new IOException("feature file " + f + " has " + bytes.length + " bytes, expected "
                    + identity.featureSize() * 4 + " (delete it and re-run features)");
        }
        float[] out = new float[identity.featureSize()];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
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
        return dir.resolve("vectors").resolve(safeName(imageId) + ".f32");
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
