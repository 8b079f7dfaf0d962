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
 * <p>A detector reads either the pooled features or, with the multiple-instance part, each region of
 * the encoder's grid: then each region gets a score {@code w · x_r + b} and the photo a soft maximum
 * of them, {@code ln(Σ_r exp(score_r) / R)}, so that one region that looks like a person is enough and
 * a scene that merely looks like Flickr8k's people pictures (a room, a crowd-less street) is not. Fang
 * et al. train their detectors that way; here it carried better to photos unlike the training ones
 * (model card, "Person detector").
 *
 * <p>Stored as JSON ({@link #FILE}); the weights already include the feature standardisation, so
 * the probability is {@code σ(w · x + b)} on raw features.
 */
public final class ConceptDetectors {

    public static final String FILE = "concepts.json";

    /**
     * One class's detector, with how it was checked.
     *
     * @param name the object class (as {@link org.captioner.metrics.Chair} names it)
     * @param positives training images whose captions named it
     * @param devAuc area under the ROC curve on the held-out split it was checked on
     * @param regions whether it scores each region of a grid and takes their soft maximum (true), or
     *     reads the pooled features (false, and what older files without the field mean)
     */
    public record Detector(String name, int positives, double devAuc, float bias, float[] weights, boolean regions) {

        /** The photo's score (logit) from its features: one pooled vector, or a region-major grid. */
        double logit(float[] features) {
            int size = weights.length;
            if (features.length % size != 0) {
                throw new IllegalArgumentException("features have " + features.length + " values, detector " + name
                        + " expects " + size + " per region");
            }
            int count = features.length / size;
            if (regions && count == 1) {
                throw new IllegalArgumentException("detector " + name + " reads the regions of a grid, and these"
                        + " features are pooled");
            }
            double[] scores = new double[count];
            double max = regionScores(weights, bias, features, scores);
            if (!regions) {
                // Linear in the features: the mean of the region scores is the pooled vector's score.
                double sum = 0;
                for (double z : scores) {
                    sum += z;
                }
                return sum / count;
            }
            return max + Math.log(shiftedExp(scores, max) / count);
        }
    }

    /**
     * Fills {@code scores} with each region's score {@code w · x_r + b} ({@code features} region-major,
     * one region when pooled) and returns the largest.
     */
    static double regionScores(float[] weights, double bias, float[] features, double[] scores) {
        int size = weights.length;
        double max = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < scores.length; r++) {
            double z = bias;
            for (int f = 0; f < size; f++) {
                z += weights[f] * features[r * size + f];
            }
            scores[r] = z;
            max = Math.max(max, z);
        }
        return max;
    }

    /**
     * Replaces each score by {@code exp(score − max)} and returns their sum: the soft maximum is
     * {@code max + ln(sum / R)}, and each region's share of it (its gradient) {@code exp(...) / sum}.
     */
    static double shiftedExp(double[] scores, double max) {
        double sum = 0;
        for (int r = 0; r < scores.length; r++) {
            scores[r] = Math.exp(scores[r] - max);
            sum += scores[r];
        }
        return sum;
    }

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

    /** Whether any detector scores regions, so needs each photo's grid rather than its pooled vector. */
    public boolean readsRegions() {
        return spec.detectors().stream().anyMatch(Detector::regions);
    }

    /**
     * One row per photo: each detector's probability that the photo shows its class. A row of
     * features is a pooled vector or a region-major grid (regions × feature size); pooled-feature
     * detectors read a grid's mean.
     */
    public float[][] probabilities(float[][] features) {
        float[][] out = new float[features.length][size()];
        for (int i = 0; i < features.length; i++) {
            for (int k = 0; k < size(); k++) {
                out[i][k] = (float) (1 / (1 + Math.exp(-spec.detectors().get(k).logit(features[i]))));
            }
        }
        return out;
    }
}
