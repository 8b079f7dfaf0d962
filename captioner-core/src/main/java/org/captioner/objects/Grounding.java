package org.captioner.objects;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.captioner.metrics.Chair;
import org.captioner.search.WordBiases;
import org.captioner.text.Vocabulary;

/**
 * Holds the decoder's language prior to what the encoder sees: caption words that name an object
 * class (COCO's, as {@link Chair} reads them) which the object classifier can recognise get a
 * log-probability penalty in photos that show too little evidence of it.
 *
 * <p>A word's evidence is the posterior mass of the ImageNet classes WordNet files under its object
 * class ("dog", "dogs" and "puppy": all 118 breeds). For a class ImageNet has no class for (person,
 * skateboard) it is the probability of the bundle's concept detector for it ({@link ConceptDetectors}),
 * if it has one. Below {@code threshold} the word costs {@code weight × ln(evidence / threshold)} (at
 * most {@code weight × ln(1e-4)} below it): a gentle push where the classifier is merely unsure, a
 * strong one where it sees something else entirely. Words of classes nothing can see (frisbee,
 * without a detector) are never penalised: no evidence there is not evidence of absence.
 */
public final class Grounding {

    private static final String PERSON = "person";

    /** Evidence below this ratio of the threshold is treated as this ratio (a finite, large penalty). */
    private static final double FLOOR = 1e-4;

    /**
     * @param threshold evidence at which a word is no longer penalised
     * @param weight how strongly missing evidence counts against a word
     * @param bonus added, times the evidence, to words the photo shows at least {@code threshold}
     *     evidence for (0: penalties only)
     */
    public record Settings(double threshold, double weight, double bonus) {

        /** No penalties: the language model alone, as before grounding existed. */
        public static final Settings OFF = new Settings(1, 0, 0);

        /** Penalties only. */
        public Settings(double threshold, double weight) {
            this(threshold, weight, 0);
        }

        public boolean off() {
            return weight == 0 && bonus == 0;
        }

        /** "off", or "T,W,B" as {@code --grounding} takes it. */
        public String describe() {
            return off() ? "off" : threshold + "," + weight + "," + bonus;
        }

        public Settings {
            if (!(threshold > 0 && threshold <= 1) || !(weight >= 0) || !(bonus >= 0)) {
                throw new IllegalArgumentException("grounding needs 0 < threshold <= 1, weight >= 0 and bonus >= 0,"
                        + " got " + threshold + ", " + weight + ", " + bonus);
            }
        }
    }

    private final int[] words;
    private final int[] groups;
    private final int[][] support;

    private Grounding(int[] words, int[] groups, int[][] support) {
        this.words = words;
        this.groups = groups;
        this.support = support;
    }

    /** The groundable words of {@code vocabulary}, with the ImageNet classes that support each. */
    public static Grounding of(ImageNetWords imagenet, Vocabulary vocabulary) {
        return of(imagenet, List.of(), vocabulary);
    }

    /**
     * The groundable words of {@code vocabulary}, with the evidence columns that support each: the
     * ImageNet classes (columns 0..999) where ImageNet knows the object, else the concept detector
     * for it (column 1000 + its index in {@code conceptClasses}), as {@link ObjectClassifier#evidence}
     * lays them out.
     */
    public static Grounding of(ImageNetWords imagenet, List<String> conceptClasses, Vocabulary vocabulary) {
        Chair chair = Chair.standard();
        Map<String, Set<Integer>> supportOfClass = imagenetSupport(imagenet);
        for (int k = 0; k < conceptClasses.size(); k++) {
            // ImageNet's evidence, where it has any, is kept: it was learnt from far more varied photos.
            supportOfClass.putIfAbsent(conceptClasses.get(k), new LinkedHashSet<>(Set.of(imagenet.size() + k)));
        }
        List<Integer> ids = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        List<String> classOrder = chair.classes();
        List<int[]> supports = new ArrayList<>();
        for (int id = Vocabulary.UNK_ID + 1; id < vocabulary.size(); id++) {
            Set<String> named = chair.classesIn(vocabulary.word(id));
            if (named.size() != 1) {
                continue;
            }
            String objectClass = named.iterator().next();
            Set<Integer> support = supportOfClass.get(objectClass);
            if (support == null) {
                continue;
            }
            ids.add(id);
            // Words of one object class form one group: "dog", "dogs" and "puppy" earn one bonus.
            groups.add(classOrder.indexOf(objectClass));
            supports.add(support.stream().mapToInt(Integer::intValue).toArray());
        }
        return new Grounding(ids.stream().mapToInt(Integer::intValue).toArray(),
                groups.stream().mapToInt(Integer::intValue).toArray(), supports.toArray(int[][]::new));
    }

    /** Object class -> the ImageNet classes whose hypernym paths name it (classes ImageNet can see). */
    public static Map<String, Set<Integer>> imagenetSupport(ImageNetWords imagenet) {
        Chair chair = Chair.standard();
        Map<String, Set<Integer>> supportOfClass = new LinkedHashMap<>();
        for (int c = 0; c < imagenet.size(); c++) {
            for (String word : imagenet.pathWords(c)) {
                for (String objectClass : chair.classesIn(word)) {
                    supportOfClass.computeIfAbsent(objectClass, k -> new LinkedHashSet<>()).add(c);
                }
            }
        }
        // ImageNet's few people (groom, scuba diver, ballplayer) are roles, not a person detector: their
        // mass says nothing about whether a photo shows someone.
        supportOfClass.remove(PERSON);
        return supportOfClass;
    }

    /** Vocabulary ids of the words that can be penalised. */
    public int[] words() {
        return words.clone();
    }

    /** Evidence for {@code words()[j]} in a photo with these class probabilities. */
    private double evidence(float[] probabilities, int j) {
        double sum = 0;
        for (int c : support[j]) {
            sum += probabilities[c];
        }
        return Math.min(1, sum);
    }

    /** The word biases for a batch of photos, one {@link ObjectClassifier#evidence} row each. */
    public WordBiases biases(float[][] probabilities, Settings settings) {
        float[][] out = new float[probabilities.length][words.length];
        for (int i = 0; i < probabilities.length; i++) {
            for (int j = 0; j < words.length; j++) {
                double evidence = evidence(probabilities[i], j);
                double ratio = evidence / settings.threshold();
                out[i][j] = ratio >= 1 ? (float) (settings.bonus() * evidence)
                        : (float) (settings.weight() * Math.log(Math.max(ratio, FLOOR)));
            }
        }
        return new WordBiases(words.clone(), groups.clone(), out);
    }
}
