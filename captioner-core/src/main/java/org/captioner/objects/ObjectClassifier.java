package org.captioner.objects;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.encoder.ImageEncoder;
import org.captioner.features.Grids;
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
    record Spec(String head, String headSha256, String classes, String encoderSha256, Grounding.Settings grounding,
            String concepts, String nameable) {}

    private final ClassifierHead head;
    private final ImageNetWords words;
    private final ConceptDetectors concepts;
    private final Grounding.Settings grounding;
    private final NameableWords nameable;

    ObjectClassifier(ClassifierHead head, ImageNetWords words, ConceptDetectors concepts, Grounding.Settings grounding) {
        this(head, words, concepts, grounding, null);
    }

    ObjectClassifier(ClassifierHead head, ImageNetWords words, ConceptDetectors concepts, Grounding.Settings grounding,
            NameableWords nameable) {
        this.nameable = nameable;
        this.head = head;
        this.words = words;
        this.concepts = concepts;
        this.grounding = grounding == null ? Grounding.Settings.OFF : grounding;
    }

    /** The bundle's grounding settings (chosen on dev data); {@link Grounding.Settings#OFF} when it has none. */
    public Grounding.Settings groundingDefaults() {
        return grounding;
    }

    /**
     * The classifier a bundle offers, or null when it offers none; {@code vocabulary} is the
     * bundle's (its word order decides tag words); {@code grids} says whether the bundle's photos
     * are encoded as grids of regions. An {@code objects.json} made for another encoder, a head file
     * that is not the one it names, or detectors that read regions in a bundle that keeps none, is an
     * error.
     */
    public static ObjectClassifier open(Path bundleDir, EncoderIdentity encoder, Vocabulary vocabulary, boolean grids)
            throws IOException {
        return open(bundleDir, List.of(encoder), vocabulary, grids);
    }

    /**
     * As {@link #open(Path, EncoderIdentity, Vocabulary, boolean)}, for files made on the features of
     * any of {@code accepted}: the encoders whose features the bundle feeds its classifier (the one in
     * use, and those the bundle's decoders take as theirs).
     */
    public static ObjectClassifier open(Path bundleDir, List<EncoderIdentity> accepted, Vocabulary vocabulary,
            boolean grids) throws IOException {
        Path specFile = bundleDir.resolve(FILE);
        if (!Files.isRegularFile(specFile)) {
            return null;
        }
        Spec spec = readSpec(specFile);
        if (!madeForOneOf(spec.encoderSha256(), accepted)) {
            throw new IOException(specFile + " belongs to the encoder with sha256 " + spec.encoderSha256()
                    + ", not to " + describe(accepted));
        }
        Path headFile = bundleDir.resolve(spec.head());
        if (spec.headSha256() != null && !spec.headSha256().equalsIgnoreCase(ImageEncoder.sha256(headFile))) {
            throw new IOException(headFile + " is not the classifier head " + specFile + " names (sha256 "
                    + spec.headSha256() + ")");
        }
        ImageNetWords table = ImageNetWords.load(bundleDir.resolve(spec.classes()), vocabulary.words());
        ConceptDetectors concepts = null;
        if (spec.concepts() != null) {
            concepts = ConceptDetectors.read(bundleDir.resolve(spec.concepts()));
            String sha = concepts.spec().encoderSha256();
            if (!madeForOneOf(sha, accepted)) {
                throw new IOException(bundleDir.resolve(spec.concepts()) + " was trained on the features of the encoder"
                        + " with sha256 " + sha + ", not on those of " + describe(accepted));
            }
            if (concepts.readsRegions() && !grids) {
                throw new IOException(bundleDir.resolve(spec.concepts()) + " has detectors that read the regions of"
                        + " a photo's grid, and this bundle's decoders take pooled features");
            }
        }
        String unmet = spec.grounding() == null ? null
                : spec.grounding().unmetBy(concepts == null ? List.of() : concepts.names());
        if (unmet != null) {
            throw new IOException(specFile + "'s grounding setting needs concept detectors the bundle lacks: " + unmet);
        }
        NameableWords nameable = spec.nameable() == null ? null : NameableWords.read(bundleDir.resolve(spec.nameable()));
        ClassifierHead loaded = ClassifierHead.load(headFile);
        return new ObjectClassifier(loaded, table, concepts, spec.grounding(), nameable);
    }

    private static Spec readSpec(Path specFile) throws IOException {
        return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(specFile.toFile(), Spec.class);
    }

    /** The ImageNet class table of the bundle's classifier, without loading the head. */
    public static ImageNetWords imagenetWords(Path bundleDir, Vocabulary vocabulary) throws IOException {
        return ImageNetWords.load(bundleDir.resolve(readSpec(bundleDir.resolve(FILE)).classes()), vocabulary.words());
    }

    /** The encoder the bundle's classifier belongs to (sha256), or null when its spec does not say. */
    public static String encoderSha256(Path bundleDir) throws IOException {
        return readSpec(bundleDir.resolve(FILE)).encoderSha256();
    }

    /**
     * Adds concept detectors to a bundle's classifier: writes {@link ConceptDetectors#FILE} and names it
     * in {@link #FILE}, keeping every other setting there.
     */
    public static void attachConcepts(Path bundleDir, ConceptDetectors concepts) throws IOException {
        concepts.write(bundleDir.resolve(ConceptDetectors.FILE));
        nameInSpec(bundleDir, "concepts", ConceptDetectors.FILE);
    }

    /** Sets {@code key} to {@code file} in the bundle's {@link #FILE}, keeping every other setting there. */
    private static void nameInSpec(Path bundleDir, String key, String file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode spec = (ObjectNode) json.readTree(bundleDir.resolve(FILE).toFile());
        spec.put(key, file);
        json.writeValue(bundleDir.resolve(FILE).toFile(), spec);
    }

    /**
     * Adds a table of nameable things to a bundle's classifier: writes {@link NameableWords#FILE} and
     * names it in {@link #FILE}, keeping every other setting there.
     */
    public static void attachNameable(Path bundleDir, NameableWords nameable) throws IOException {
        nameable.write(bundleDir.resolve(NameableWords.FILE));
        nameInSpec(bundleDir, "nameable", NameableWords.FILE);
    }

    /** Whether the bundle's classifier has a {@link NameableWords} table (without loading the head). */
    public static boolean hasNameable(Path bundleDir) throws IOException {
        return readSpec(bundleDir.resolve(FILE)).nameable() != null;
    }

    /** Whether files that name {@code sha256} (null: any encoder) were made for one of {@code encoders}. */
    private static boolean madeForOneOf(String sha256, List<EncoderIdentity> encoders) {
        return sha256 == null || encoders.stream().anyMatch(e -> sha256.equalsIgnoreCase(e.sha256()));
    }

    private static String describe(List<EncoderIdentity> encoders) {
        return String.join(" or ", encoders.stream().map(e -> e.name() + " (" + e.sha256() + ")").toList());
    }

    /** The classes of a bundle's concept detectors (person, skis, ...), without loading its head; empty without. */
    public static List<String> conceptClasses(Path bundleDir) throws IOException {
        Spec spec = readSpec(bundleDir.resolve(FILE));
        return spec.concepts() == null ? List.of() : ConceptDetectors.read(bundleDir.resolve(spec.concepts())).names();
    }

    /** The names of the things captions may be required to name (empty without a {@link NameableWords} table). */
    public java.util.Set<String> nameable() {
        return nameable == null ? java.util.Set.of() : nameable.nameable();
    }

    /**
     * The word that also names a thing in the photos of some of its classes ({@link NameableWords#alsoNamed};
     * empty without a table).
     */
    public java.util.Map<String, java.util.Map<Integer, String>> alsoNamed() {
        return nameable == null ? java.util.Map.of() : nameable.alsoNamed();
    }

    public ImageNetWords words() {
        return words;
    }

    /** The object classes learnt from captions, in evidence-column order after ImageNet's (empty without). */
    public List<String> conceptClasses() {
        return concepts == null ? List.of() : concepts.names();
    }

    /**
     * Everything the classifier sees in each photo, one row per photo: the 1,000 ImageNet class
     * probabilities, then each concept detector's probability ({@link #conceptClasses}). A row of
     * {@code features} is the photo's pooled vector of {@code featureSize} values or its region-major
     * grid; the ImageNet head reads the grid's mean, as the network it comes from does.
     */
    public float[][] evidence(float[][] features, int featureSize) {
        float[][] imagenet = head.probabilities(Grids.pooled(features, featureSize));
        if (concepts == null) {
            return imagenet;
        }
        float[][] learnt = concepts.probabilities(features);
        float[][] out = new float[features.length][];
        for (int i = 0; i < features.length; i++) {
            out[i] = Arrays.copyOf(imagenet[i], imagenet[i].length + learnt[i].length);
            System.arraycopy(learnt[i], 0, out[i], imagenet[i].length, learnt[i].length);
        }
        return out;
    }

    /** The label of a tag that a concept detector, not ImageNet, gives. */
    public static final String CONCEPT_LABEL = "learnt from captions";

    /**
     * The most probable things in the photo (from an {@link #evidence} row), at most {@code max},
     * most probable first: the ImageNet classes as caption words with their summed probability (see
     * {@link ImageNetWords#tagWord}; classes WordNet relates to no caption word keep their ImageNet
     * label), each at least {@code minProbability}, and the concept detectors' classes ("person",
     * labelled {@link #CONCEPT_LABEL}) whose probability reaches the bundle's grounding threshold,
     * where grounding takes them as seen (0.5, "as likely as not" for detectors that weigh positives
     * and negatives equally, in a bundle without grounding), and {@code minProbability}. The
     * detectors' probabilities are not ImageNet's: a scene like those of the training photos raises
     * them (a snowfield, skis 0.54), hence the higher bar.
     */
    public List<ObjectTag> tags(float[] evidence, int max, double minProbability) {
        float[] probabilities = evidence;
        Map<String, double[]> byWord = new LinkedHashMap<>();
        Map<String, Integer> bestClass = new LinkedHashMap<>();
        for (int c = 0; c < words.size(); c++) {
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
        List<String> conceptNames = conceptClasses();
        for (int k = 0; k < conceptNames.size(); k++) {
            double p = probabilities[words.size() + k];
            if (p >= Math.max(grounding.off() ? 0.5 : grounding.threshold(), minProbability)) {
                tags.add(new ObjectTag(conceptNames.get(k), p, CONCEPT_LABEL));
            }
        }
        tags.sort(Comparator.comparingDouble(ObjectTag::probability).reversed());
        return List.copyOf(tags.subList(0, Math.min(max, tags.size())));
    }

    @Override
    public void close() {
        head.close();
    }
}
