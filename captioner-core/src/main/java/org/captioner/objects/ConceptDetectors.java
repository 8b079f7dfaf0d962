package org.captioner.objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Object classes learnt from caption data rather than from ImageNet: one logistic regression per
 * class on the pooled encoder features, trained to say whether an image's reference captions name
 * the class (Fang et al., CVPR 2015, "From Captions to Visual Concepts and Back", without the
 * multiple-instance part). They give evidence for what ImageNet has no class for (a person, a
 * skateboard), so that grounding can hold the decoder to it too. Each detector is trained with
 * positives and negatives weighted equally, so 0.5 means "as likely as not" for every class
 * whatever its frequency in the training captions.
 *
 * <p>Stored as JSON ({@link #FILE}); the weights already include the feature standardisation, so
 * the probability is {@code σ(w · x + b)} on raw pooled features.
 */
public final class ConceptDetectors {

    public static final String FILE = "concepts.json";

    /**
     * One class's detector, with how it was checked.
     *
     * @param name the object class (as {@link org.captioner.metrics.Chair} names it)
     * @param positives training images whose captions named it
     * @param devAuc area under the ROC curve on the held-out split it was checked on
     */
    public record Detector(String name, int positives, double devAuc, float bias, float[] weights) {}

    /**
     * The file's contents.
     *
     * @param encoderSha256 the encoder whose features the detectors read
     * @param trainedOn what they were trained and checked on, in words
     */
    public record Spec(String encoderSha256, String trainedOn, List<Detector> detectors) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Spec spec;

    public ConceptDetectors(Spec spec) {
        for (Detector d : spec.detectors()) {
            if (d.weights().length != spec.detectors().get(0).weights().length) {
                throw new IllegalArgumentException("detector " + d.name() + " has " + d.weights().length
                        + " weights, not " + spec.detectors().get(0).weights().length);
            }
        }
        this.spec = spec;
    }

    public static ConceptDetectors read(Path file) throws IOException {
        return new ConceptDetectors(JSON.readValue(file.toFile(), Spec.class));
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), spec);
    }

    public Spec spec() {
        return spec;
    }

    /** The class names, in column order of {@link #probabilities}. */
    public List<String> names() {
        return spec.detectors().stream().map(Detector::name).toList();
    }

    public int size() {
        return spec.detectors().size();
    }

    /** One row per feature vector: each detector's probability that the photo shows its class. */
    public float[][] probabilities(float[][] pooled) {
        float[][] out = new float[pooled.length][size()];
        for (int i = 0; i < pooled.length; i++) {
            for (int k = 0; k < size(); k++) {
                Detector d = spec.detectors().get(k);
                if (pooled[i].length != d.weights().length) {
                    throw new IllegalArgumentException("features have " + pooled[i].length + " values, detectors expect "
                            + d.weights().length);
                }
                double z = d.bias();
                for (int f = 0; f < pooled[i].length; f++) {
                    z += d.weights()[f] * pooled[i][f];
                }
                out[i][k] = (float) (1 / (1 + Math.exp(-z)));
            }
        }
        return out;
    }
}
