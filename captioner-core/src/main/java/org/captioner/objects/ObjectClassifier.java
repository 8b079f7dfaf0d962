package org.captioner.objects;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.encoder.ImageEncoder;
import org.captioner.text.Vocabulary;

/**
 * What the encoder network itself recognises in a photo: its ImageNet classifier head applied to
 * the pooled features the captioner already has, read out as caption words. A bundle offers it
 * with an {@code objects.json} beside its weights, naming the head file (and its sha256), the
 * class-to-word table and the encoder the head belongs to; the head is only meaningful on
 * features of that exact network.
 */
public final class ObjectClassifier implements AutoCloseable {

    public static final String FILE = "objects.json";

    /** The contents of {@code objects.json}. */
    record Spec(String head, String headSha256, String classes, String encoderSha256, Grounding.Settings grounding) {}

    private final ClassifierHead head;
    private final ImageNetWords words;
    private final Grounding.Settings grounding;

    ObjectClassifier(ClassifierHead head, ImageNetWords words, Grounding.Settings grounding) {
        this.head = head;
        this.words = words;
        this.grounding = grounding == null ? Grounding.Settings.OFF : grounding;
    }

    /** The bundle's grounding settings (chosen on dev data); {@link Grounding.Settings#OFF} when it has none. */
    public Grounding.Settings groundingDefaults() {
        return grounding;
    }

    /**
     * The classifier a bundle offers, or null when it offers none; {@code vocabulary} is the
     * bundle's (its word order decides tag words). An {@code objects.json} made for
     * another encoder, or a head file that is not the one it names, is an error.
     */
    public static ObjectClassifier open(Path bundleDir, EncoderIdentity encoder, Vocabulary vocabulary)
            throws IOException {
        Path specFile = bundleDir.resolve(FILE);
        if (!Files.isRegularFile(specFile)) {
            return null;
        }
        Spec spec = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(specFile.toFile(), Spec.class);
        if (spec.encoderSha256() != null && !spec.encoderSha256().equalsIgnoreCase(encoder.sha256())) {
            throw new IOException(specFile + " belongs to the encoder with sha256 " + spec.encoderSha256()
                    + ", not to " + encoder.name() + " (" + encoder.sha256() + ")");
        }
        Path headFile = bundleDir.resolve(spec.head());
        if (spec.headSha256() != null && !spec.headSha256().equalsIgnoreCase(ImageEncoder.sha256(headFile))) {
            throw new IOException(headFile + " is not the classifier head " + specFile + " names (sha256 "
                    + spec.headSha256() + ")");
        }
        ImageNetWords table = ImageNetWords.load(bundleDir.resolve(spec.classes()), vocabulary.words());
        ClassifierHead loaded = ClassifierHead.load(headFile);
        return new ObjectClassifier(loaded, table, spec.grounding());
    }

    public ImageNetWords words() {
        return words;
    }

    /** Class probabilities, one row per pooled feature vector. */
    public float[][] probabilities(float[][] pooled) {
        return head.probabilities(pooled);
    }

    /**
     * The most probable things in the photo, as caption words with their summed probability (see
     * {@link ImageNetWords#tagWord}; classes WordNet relates to no caption word keep their
     * ImageNet label), at most {@code max},
     * each at least {@code minProbability}, most probable first.
     */
    public List<ObjectTag> tags(float[] probabilities, int max, double minProbability) {
        Map<String, double[]> byWord = new LinkedHashMap<>();
        Map<String, Integer> bestClass = new LinkedHashMap<>();
        for (int c = 0; c < probabilities.length; c++) {
            String w = words.tagWord(c);
            byWord.computeIfAbsent(w, k -> new double[1])[0] += probabilities[c];
            Integer best = bestClass.get(w);
            if (best == null || probabilities[c] > probabilities[best]) {
                bestClass.put(w, c);
            }
        }
        List<ObjectTag> tags = new ArrayList<>();
        byWord.forEach((w, p) -> {
            if (p[0] >= minProbability) {
                tags.add(new ObjectTag(w, Math.min(1, p[0]), words.label(bestClass.get(w))));
            }
        });
        tags.sort(Comparator.comparingDouble(ObjectTag::probability).reversed());
        return List.copyOf(tags.subList(0, Math.min(max, tags.size())));
    }

    @Override
    public void close() {
        head.close();
    }
}
