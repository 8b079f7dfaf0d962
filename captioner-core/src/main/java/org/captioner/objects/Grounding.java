package org.captioner.objects;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.captioner.metrics.Chair;
import org.captioner.search.RequiredWords;
import org.captioner.search.WordBiases;
import org.captioner.text.Articles;
import org.captioner.text.Verbs;
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

    /** The concept detector's class whose "no" says that a photo shows no one ({@link Settings#alone}). */
    public static final String PERSON = "person";

    /** Evidence below this ratio of the threshold is treated as this ratio (a finite, large penalty). */
    private static final double FLOOR = 1e-4;

    /** The bias of a word ruled out ({@link Settings#ruleOut}): no caption the decoder would rather write costs more. */
    static final float RULED_OUT = -30f;

    /**
     * How sure ImageNet must be of one animal class before the caption names it
     * ({@link #nameSeenAnimals}). "Animal" stands where grounding held back the dog the decoder wanted,
     * so the photo is often a dog after all: at 0.7, both of the two Flickr8k dev captions it changed
     * named a dog "llama" (0.70) and "dhole" (0.83). Over all 8,000 Flickr8k photos, 15 have an
     * animal class without a caption word at 0.7 or more, 2 at 0.9; the fox sample has 0.98.
     */
    static final double NAMED_ANIMAL = 0.9;

    /** Words before "animal" that make it something else ({@link #nameSeenAnimals}). */
    private static final Set<String> NOT_AN_ANIMAL_BEFORE = Set.of("stuffed", "toy", "plush", "balloon");
    /** Words after "animal" that make it something else. */
    private static final Set<String> NOT_AN_ANIMAL_AFTER = Set.of("print", "costume", "costumes", "mask", "toy");

    /**
     * @param threshold evidence at which a word is no longer penalised
     * @param weight how strongly missing evidence counts against a word
     * @param bonus added, times the evidence, to words the photo shows at least {@code threshold}
     *     evidence for (0: penalties only)
     * @param require evidence at which an object class must be named: the search returns first the
     *     captions that name the photo's best-seen such classes ({@link #required}; 0: none required)
     * @param ruleOut a concept detector's probability below which its class's words are not written at
     *     all (0: never). The detectors are independent yes-or-no classifiers, so a low probability says
     *     the thing is absent; ImageNet's posterior is one label per photo and gives a second object
     *     little mass even where it is plain to see, so words it grounds are only penalised.
     * @param alone evidence at which a photo with no one in it (its person words ruled out) and nothing
     *     nameable seen must name its best-seen thing all the same ({@link #required}; 0: never). Flickr8k's
     *     captions have a person or an animal for a subject; with both held back on a photo of a laptop
     *     or a plate of food the decoder wrote "a black and white is sitting on a computer". Requires
     *     {@code ruleOut > 0}: that is what says no one is there. Unlike {@code require} it may lie below
     *     {@code threshold}: a class word required at A is penalised as well (about 1 nat for a cat at
     *     0.58 with 0.7, 3), which only lowers the captions that name it against one another, since
     *     the search returns the captions that meet the requirement first; and no interchangeable class
     *     can take its place, because one seen at the threshold would be nameable and required instead.
     */
    public record Settings(double threshold, double weight, double bonus, double require, double ruleOut,
            double alone) {

        /** No penalties: the language model alone, as before grounding existed. */
        public static final Settings OFF = new Settings(1, 0, 0, 0, 0, 0);

        /** Penalties only. */
        public Settings(double threshold, double weight) {
            this(threshold, weight, 0, 0, 0, 0);
        }

        /** Penalties and bonuses; nothing required or ruled out. */
        public Settings(double threshold, double weight, double bonus) {
            this(threshold, weight, bonus, 0, 0, 0);
        }

        /** Penalties, bonuses and required words; nothing ruled out. */
        public Settings(double threshold, double weight, double bonus, double require) {
            this(threshold, weight, bonus, require, 0, 0);
        }

        /** Penalties, bonuses, required words and words ruled out; nothing required of photos with no one in them. */
        public Settings(double threshold, double weight, double bonus, double require, double ruleOut) {
            this(threshold, weight, bonus, require, ruleOut, 0);
        }

        /**
         * Why these settings cannot work with concept detectors of these classes, or null where they
         * can: F reads the detectors' "no", and A the person detector's. Without them both would
         * silently do nothing.
         */
        public String unmetBy(List<String> conceptClasses) {
            if (ruleOut > 0 && conceptClasses.isEmpty()) {
                return "no concept detectors, so grounding has nothing to rule out (F " + ruleOut + ")";
            }
            if (alone > 0 && !conceptClasses.contains(PERSON)) {
                return "no person detector, so grounding cannot tell a photo with no one in it (A " + alone + ")";
            }
            return null;
        }

        public boolean off() {
            return weight == 0 && bonus == 0 && require == 0 && ruleOut == 0 && alone == 0;
        }

        /**
         * "off", or "T,W,B" (with ",R" where words are required, ",R,F" where some are ruled out, ",R,F,A"
         * where photos with no one in them must name what they show) as {@code --grounding} takes it.
         */
        public String describe() {
            // R, F and A only up to the last of them that is not 0: settings described (and scores
            // recorded, EvaluateCommand) before F or A existed keep their form.
            return off() ? "off" : threshold + "," + weight + "," + bonus
                    + (require > 0 || ruleOut > 0 || alone > 0 ? "," + require : "")
                    + (ruleOut > 0 || alone > 0 ? "," + ruleOut : "") + (alone > 0 ? "," + alone : "");
        }

        public Settings {
            if (!(threshold > 0 && threshold <= 1) || !(weight >= 0) || !(bonus >= 0) || !(require >= 0 && require <= 1)
                    || !(ruleOut >= 0 && ruleOut <= threshold) || !(alone >= 0 && alone <= 1)) {
                throw new IllegalArgumentException("grounding needs 0 < threshold <= 1, weight >= 0, bonus >= 0,"
                        + " 0 <= require <= 1, 0 <= rule-out <= threshold and 0 <= alone <= 1, got " + threshold + ", "
                        + weight + ", " + bonus + ", " + require + ", " + ruleOut + ", " + alone);
            }
            if (alone > 0 && ruleOut == 0) {
                throw new IllegalArgumentException("grounding's alone (" + alone + ") needs a rule-out level above 0:"
                        + " it is what says that no one is in the photo");
            }
            // Below the threshold a required word would be penalised too, and its place filled by another.
            if (require > 0 && require < threshold) {
                throw new IllegalArgumentException("grounding's require (" + require + ") must be 0 or at least its"
                        + " threshold (" + threshold + "): a word required below it would also be penalised");
            }
        }
    }

    /**
     * Object classes that can stand in for one another in a caption, as COCO groups them
     * (supercategories "animal" and "vehicle"): where the decoder's language prior wants a dog and
     * the photo shows a cat, the cat fills the dog's place ("a black and white cat is sitting on a
     * computer"), as Lu et al. fill their caption templates' slots with detected objects (CVPR 2018,
     * "Neural Baby Talk"). Without it, grounding only removes the dog and the prior, having no
     * better noun, leaves "a black and white is sitting on a computer". Other supercategories are
     * not interchangeable in a sentence (a skateboard does not take a surfboard's verbs).
     */
    static final List<List<String>> INTERCHANGEABLE = List.of(
            List.of("bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"),
            List.of("bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat"));

    /**
     * The word for any member of an {@link #INTERCHANGEABLE} family, by family ("" for none): where
     * the photo shows an animal no class names (a fox: none in the vocabulary), "animal" takes the
     * dog's place rather than leave "a white and white is running in the snow". Vehicles have none:
     * people name the vehicle (the captions of 6 of the 110 Flickr8k training photos ImageNet tags
     * "vehicle" at 0.7 use the word, nameable-words.json), and on dev "vehicle" took the places of the
     * bikes the decoder had written for unicycles ("a man is riding a vehicle").
     */
    static final List<String> FAMILY_WORDS = List.of("animal", "");

    /**
     * The verbs a thing does without anyone: where no one is in the photo and the thing the caption
     * must name is neither an animal nor a vehicle, the caption may say that it sits, stands, lies,
     * rests, hangs, floats or flies (a kite), not that it runs or walks ("a sign is walking in the
     * grass"). Only verbs ending -ing and their simple present forms are held to this list ({@link
     * #notStill}); "is", participles ("parked", "covered") and the few adverbs of {@link Verbs} stay free.
     */
    static final List<String> STILL = List.of("sitting", "sits", "standing", "stands", "laying", "lays", "lying",
            "lies", "resting", "rests", "hanging", "hangs", "floating", "floats", "flying", "flies");

    private final int[] words;
    private final int[] groups;
    private final int[][] support;
    /** Per word: what may fill its place, or null where nothing may. */
    private final Places[] places;

    private final List<Requirable> requirable;
    /**
     * The names of the {@link #requirable} things people name by their own names: with those {@link
     * #alsoNamedBy} another word in a photo, the only ones {@link #required} asks for where someone may be there.
     */
    private final Set<String> nameableNames;
    /** Per {@link #requirable} thing's name: ImageNet class -> the vocabulary id that also names it in its photos. */
    private final Map<String, Map<Integer, Integer>> alsoNamed;
    /** Per word: whether its evidence is a concept detector's (not ImageNet's). */
    private final boolean[] detectorWord;
    /** The person detector's evidence column, or -1 without one. */
    private final int personColumn;
    /** The vocabulary's {@link Verbs}. */
    private final int[] verbs;
    /** The vocabulary's {@link Verbs} that end -ing or are simple present forms, other than the {@link #STILL} ones. */
    private final int[] notStill;
    /** Per ImageNet class: whether WordNet files it under animal or vehicle (things that are said to move). */
    private final boolean[] moving;
    /**
     * Per ImageNet class: its everyday name where the class is an animal the vocabulary has no word for
     * (WordNet files it under no caption word nearer than "animal": "fox", "zebra", "lion"; not a German
     * shepherd, a dog, whose everyday name "alsatian" the vocabulary lacks too), else null
     * ({@link #nameSeenAnimals}).
     */
    private final String[] unnamedAnimals;

    /**
     * What may take a class name's place: the names of its interchangeable classes in the same number
     * ({@code members}, with each one's evidence columns), and the family's word ({@code family}, or -1;
     * with the family's columns), which only takes the place where no member is seen.
     */
    private record Places(int[] members, int[][] memberSupport, int family, int[] familySupport) {}

    private Grounding(int[] words, int[] groups, int[][] support, Places[] places,
            List<Requirable> requirable, Set<String> nameable, Map<String, Map<Integer, Integer>> alsoNamed,
            int imagenetClasses, int personColumn, int[] verbs, int[] notStill, boolean[] moving,
            String[] unnamedAnimals) {
        this.personColumn = personColumn;
        this.unnamedAnimals = unnamedAnimals;
        this.alsoNamed = alsoNamed;
        this.verbs = verbs;
        this.notStill = notStill;
        this.moving = moving;
        this.requirable = requirable;
        this.nameableNames = Set.copyOf(nameable);
        this.detectorWord = new boolean[words.length];
        for (int j = 0; j < words.length; j++) {
            detectorWord[j] = support[j].length > 0 && support[j][0] >= imagenetClasses;
        }
        this.words = words;
        this.groups = groups;
        this.support = support;
        this.places = places;
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
        return of(imagenet, conceptClasses, vocabulary, Set.of());
    }

    /**
     * As {@link #of(ImageNetWords, List, Vocabulary)}; a caption may be required to name the
     * {@link #requirable} things whose names are in {@code nameable} ({@link NameableWords}).
     */
    public static Grounding of(ImageNetWords imagenet, List<String> conceptClasses, Vocabulary vocabulary,
            Set<String> nameable) {
        return of(imagenet, conceptClasses, vocabulary, nameable, Map.of());
    }

    /**
     * As {@link #of(ImageNetWords, List, Vocabulary, Set)}, with the {@link NameableWords#alsoNamed}
     * words: in a photo whose best-seen class of a thing has one, the thing may be required there, and
     * the word meets the requirement ("tennis" for the racket). Words the vocabulary lacks are skipped.
     */
    public static Grounding of(ImageNetWords imagenet, List<String> conceptClasses, Vocabulary vocabulary,
            Set<String> nameable, Map<String, Map<Integer, String>> alsoNamed) {
        Map<String, Map<Integer, Integer>> alsoIds = new LinkedHashMap<>();
        alsoNamed.forEach((thing, byClass) -> byClass.forEach((c, word) -> {
            if (vocabulary.id(word) != Vocabulary.UNK_ID) {
                alsoIds.computeIfAbsent(thing, k -> new LinkedHashMap<>()).put(c, vocabulary.id(word));
            }
        }));
        Chair chair = Chair.standard();
        int[] verbs = Verbs.ids(vocabulary);
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
        // Places are filled only in the class's own name, singular or plural ("dog", "dogs"; "cow", not
        // "bull"; "bicycle"), and only those names are replaced: other words of a class are not
        // always nouns ("biking", "horseback") or have no plain number ("geese", "sheep" as plural).
        Map<String, int[]> names = new LinkedHashMap<>();
        for (List<String> family : INTERCHANGEABLE) {
            for (String objectClass : family) {
                names.put(objectClass, new int[] {ids.indexOf(vocabulary.id(objectClass)),
                        ids.indexOf(vocabulary.id(objectClass + "s"))});
            }
        }
        Places[] places = new Places[ids.size()];
        for (int fam = 0; fam < INTERCHANGEABLE.size(); fam++) {
            List<String> family = INTERCHANGEABLE.get(fam);
            String familyWord = FAMILY_WORDS.get(fam);
            int[] familySupport = familyWord.isEmpty() ? new int[0] : imagenet.classesOf(familyWord);
            for (String objectClass : family) {
                for (int number = 0; number < 2; number++) {
                    int j = names.get(objectClass)[number];
                    // The word must be the class's (the vocabulary's <unk> id is not in ids).
                    if (j < 0 || groups.get(j) != classOrder.indexOf(objectClass)) {
                        continue;
                    }
                    List<Integer> f = new ArrayList<>();
                    List<int[]> fs = new ArrayList<>();
                    for (String other : family) {
                        int k = names.get(other)[number];
                        if (!other.equals(objectClass) && k >= 0 && groups.get(k) == classOrder.indexOf(other)) {
                            f.add(ids.get(k));
                            fs.add(supports.get(k));
                        }
                    }
                    // The family's own word ("animal", "animals"): any member will do, none named.
                    int generic = familyWord.isEmpty() ? Vocabulary.UNK_ID
                            : vocabulary.id(number == 0 ? familyWord : familyWord + "s");
                    boolean hasFamily = generic != Vocabulary.UNK_ID && familySupport.length > 0;
                    if (!f.isEmpty() || hasFamily) {
                        places[j] = new Places(toArray(f), fs.toArray(int[][]::new), hasFamily ? generic : -1,
                                familySupport);
                    }
                }
            }
        }
        List<Requirable> requirable = new ArrayList<>();
        // Object classes ImageNet sees: a concept detector learnt from Flickr8k's captions is no judge of
        // whether something unlike Flickr8k's photos is there (it saw skateboards on tennis courts).
        for (String objectClass : classOrder) {
            int group = classOrder.indexOf(objectClass);
            Set<Integer> support = supportOfClass.get(objectClass);
            List<Integer> tokens = new ArrayList<>();
            for (int j = 0; j < ids.size(); j++) {
                if (groups.get(j) == group) {
                    tokens.add(ids.get(j));
                }
            }
            if (!tokens.isEmpty() && support.stream().allMatch(c -> c < imagenet.size())) {
                requirable.add(new Requirable(objectClass, toArray(tokens), toArray(support)));
            }
        }
        // Words ImageNet's classes are tagged with that name no object class ("food", "fountain", "sign"),
        // with their plural where the vocabulary has it.
        Map<String, List<Integer>> tagged = new LinkedHashMap<>();
        for (int c = 0; c < imagenet.size(); c++) {
            String word = imagenet.tagWord(c);
            if (vocabulary.id(word) != Vocabulary.UNK_ID && !ids.contains(vocabulary.id(word))) {
                tagged.computeIfAbsent(word, k -> new ArrayList<>()).add(c);
            }
        }
        tagged.forEach((word, classes) -> {
            List<Integer> tokens = new ArrayList<>(List.of(vocabulary.id(word)));
            int plural = vocabulary.id(word + "s");
            if (plural != Vocabulary.UNK_ID && !ids.contains(plural)) {
                tokens.add(plural);
            }
            requirable.add(new Requirable(word, toArray(tokens), toArray(classes)));
        });
        return new Grounding(ids.stream().mapToInt(Integer::intValue).toArray(),
                groups.stream().mapToInt(Integer::intValue).toArray(), supports.toArray(int[][]::new), places,
                List.copyOf(requirable), nameable, Map.copyOf(alsoIds), imagenet.size(),
                conceptClasses.contains(PERSON) ? imagenet.size() + conceptClasses.indexOf(PERSON) : -1,
                verbs, notStill(verbs, vocabulary), moving(imagenet), unnamedAnimals(imagenet, vocabulary));
    }

    /** Per ImageNet class, its everyday name where it is an animal the vocabulary has no word for, else null. */
    private static String[] unnamedAnimals(ImageNetWords imagenet, Vocabulary vocabulary) {
        String[] out = new String[imagenet.size()];
        String family = FAMILY_WORDS.get(0);
        for (int c : imagenet.classesOf(family)) {
            String name = imagenet.name(c);
            if (imagenet.pathWords(c).equals(Set.of(family)) && !name.isEmpty() && !name.equals(family)
                    && vocabulary.id(name) == Vocabulary.UNK_ID) {
                out[c] = name;
            }
        }
        return out;
    }

    /**
     * The {@code verbs} (ids in {@code vocabulary}) that name an action, ending -ing or -s but not "is",
     * other than the {@link #STILL} ones.
     */
    private static int[] notStill(int[] verbs, Vocabulary vocabulary) {
        return java.util.Arrays.stream(verbs).filter(id -> {
            String word = vocabulary.word(id);
            return (word.endsWith("ing") || (word.endsWith("s") && !word.equals("is"))) && !STILL.contains(word);
        }).toArray();
    }

    /** Per ImageNet class, whether WordNet files it under "animal" or "vehicle". */
    private static boolean[] moving(ImageNetWords imagenet) {
        boolean[] out = new boolean[imagenet.size()];
        for (String word : List.of("animal", "vehicle")) {
            for (int c : imagenet.classesOf(word)) {
                out[c] = true;
            }
        }
        return out;
    }

    private static int[] toArray(java.util.Collection<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
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

    /**
     * Something a caption can be required to name: an object class ImageNet sees ("dog": "dog",
     * "dogs", "puppy"), or a word ImageNet's classes are tagged with that names no object class
     * ("fountain"), with the vocabulary ids that name it and the ImageNet classes whose probability
     * is its evidence.
     */
    public record Requirable(String name, int[] tokens, int[] columns) {

        /** Its evidence in a photo with these class probabilities ({@link ObjectClassifier#evidence}). */
        public double evidence(float[] probabilities) {
            return Grounding.evidence(probabilities, columns);
        }

        /** Its ImageNet class with the most probability in this photo (the first of them on a tie). */
        int bestColumn(float[] probabilities) {
            int best = columns[0];
            for (int c : columns) {
                if (probabilities[c] > probabilities[best]) {
                    best = c;
                }
            }
            return best;
        }
    }

    /** Everything a caption could be required to name; {@link NameableWords} measures which people do name. */
    public List<Requirable> requirable() {
        return requirable;
    }

    /**
     * For each photo, what its caption must name: the {@link #requirable} things that people name
     * ({@code nameable}, as given to {@link #of(ImageNetWords, List, Vocabulary, Set)}, or, in a photo
     * whose best-seen class of the thing has one, by the word that also names it there, {@link
     * #alsoNamedBy}) with at least
     * {@code settings.require()} evidence, the best seen first, at most {@link RequiredWords#MAX}
     * (none where {@code require} is 0). Where that asks for nothing, the photo's person detector
     * rules its words out ({@code ruleOut}) and {@code settings.alone()} is set: the best-seen of all
     * the {@link #requirable} things, nameable or not, if its evidence reaches {@code alone} (with
     * {@code require} 0, whenever no one is there).
     * {@code filled}: the photos' {@link #fillers}; a word whose place a required class fills meets it
     * ("dog" where the bear will stand); so does the word that also names the thing in photos of the
     * class seen ("tennis" for the racket).
     *
     * <p>In a photo with no one in it (the person detector below {@code ruleOut}) the Flickr8k decoder,
     * its person words held back, has no subject left and wrote "a black and white is sitting on a
     * stove". There the required thing must also come first: no {@link Verbs verb} before it is named
     * ("a stove is sitting in a kitchen"), no second name of it after, and where no required thing is
     * one WordNet files under animal or vehicle, only what things do without anyone ({@link #STILL}: "a
     * sign is standing", not "walking"). A verb that names the thing's class ("skiing") does not meet the
     * requirement there. These hold in the search {@link RequiredWords} steers, which runs only for
     * captions that did not name the thing unasked (Captioner).
     */
    public List<RequiredWords> required(float[][] probabilities, Settings settings, int[][] filled) {
        List<RequiredWords> out = new ArrayList<>(probabilities.length);
        for (int i = 0; i < probabilities.length; i++) {
            float[] p = probabilities[i];
            // Nameable by its own names, or in this photo's class of it by another word it may use here.
            List<Requirable> named = requirable.stream()
                    .filter(r -> nameableNames.contains(r.name()) || alsoNamedBy(r, p, settings) >= 0).toList();
            List<Requirable> chosen = settings.require() == 0 ? List.of()
                    : seen(named, p, settings.require(), RequiredWords.MAX);
            // The person detector's "no": the caption's subject, if it names one, is what is required.
            boolean subject = personColumn >= 0 && probabilities[i][personColumn] < settings.ruleOut();
            if (chosen.isEmpty() && settings.alone() > 0 && subject) {
                chosen = seen(requirable, probabilities[i], settings.alone(), 1);
            }
            if (chosen.isEmpty()) {
                out.add(RequiredWords.NONE);
                continue;
            }
            int[] fill = filled[i];
            List<int[]> anyOf = new ArrayList<>();
            List<int[]> asSubject = new ArrayList<>();
            for (Requirable r : chosen) {
                List<Integer> tokens = new ArrayList<>();
                java.util.Arrays.stream(r.tokens()).forEach(tokens::add);
                for (int j = 0; j < fill.length; j++) {
                    if (fill[j] >= 0 && tokens.contains(fill[j]) && !tokens.contains(words[j])) {
                        tokens.add(words[j]);
                    }
                }
                // What people also call it in photos of the class seen ("tennis" for the racket); not a
                // subject (below).
                List<Integer> names = new ArrayList<>(tokens);
                int also = alsoNamedBy(r, p, settings);
                if (also >= 0 && !names.contains(also)) {
                    names.add(also);
                }
                anyOf.add(toArray(names));
                // "skiing" names the skis' class but cannot be the caption's subject.
                asSubject.add(tokens.stream().filter(t -> java.util.Arrays.binarySearch(verbs, t) < 0)
                        .mapToInt(Integer::intValue).toArray());
            }
            if (!subject || asSubject.stream().anyMatch(set -> set.length == 0)) {
                out.add(new RequiredWords(anyOf));
                continue;
            }
            // Animals and vehicles move; where none is required the caption is held to the verbs of things that stay put.
            // (No verb is among asSubject's names, so none is both held back and a name of the thing.)
            boolean moves = chosen.stream().flatMapToInt(r -> java.util.Arrays.stream(r.columns()))
                    .anyMatch(c -> c < moving.length && moving[c]);
            out.add(new RequiredWords(asSubject, verbs, moves ? new int[0] : notStill, true));
        }
        return out;
    }

    /**
     * The word that also names {@code thing} in photos of its class best seen here ({@link
     * NameableWords#alsoNamed}), or -1: none, or a word of an object the photo shows less than the
     * threshold of ("motorcycle" for a cyclist's crash helmet), since a required word is written
     * whatever it costs. Flickr8k's captions of crash helmets say "motorcycle", not "helmet".
     */
    private int alsoNamedBy(Requirable thing, float[] probabilities, Settings settings) {
        Map<Integer, Integer> byClass = alsoNamed.get(thing.name());
        // Most things have no such word: their best-seen class (among the dog's 118) is not looked for.
        Integer id = byClass == null ? null : byClass.get(thing.bestColumn(probabilities));
        if (id == null) {
            return -1;
        }
        int j = indexOfWord(id);
        return j < 0 || evidence(probabilities, j) >= settings.threshold() ? id : -1;
    }

    /** The things of {@code candidates} with at least {@code level} evidence, the best seen first, at most {@code max}. */
    private static List<Requirable> seen(List<Requirable> candidates, float[] probabilities, double level, int max) {
        double[] evidence = new double[candidates.size()];
        List<Integer> seen = new ArrayList<>();
        for (int k = 0; k < candidates.size(); k++) {
            evidence[k] = candidates.get(k).evidence(probabilities);
            if (evidence[k] >= level) {
                seen.add(k);
            }
        }
        seen.sort(java.util.Comparator.comparingDouble(k -> -evidence[k]));
        return seen.subList(0, Math.min(max, seen.size())).stream().map(candidates::get).toList();
    }

    /** Vocabulary ids of the words that can be penalised. */
    public int[] words() {
        return words.clone();
    }

    /** Evidence for {@code words()[j]} in a photo with these class probabilities. */
    private double evidence(float[] probabilities, int j) {
        return evidence(probabilities, support[j]);
    }

    private static double evidence(float[] probabilities, int[] columns) {
        double sum = 0;
        for (int c : columns) {
            sum += probabilities[c];
        }
        return Math.min(1, sum);
    }

    /**
     * For each photo, the word that fills each of {@link #words()}'s places, or -1: where a word is
     * a class's name, the class has less than the threshold's evidence and an interchangeable class
     * ({@link #INTERCHANGEABLE}) has at least that much, the best seen of them, by its name in the
     * same number. None with grounding off or with a bonus.
     */
    public int[][] fillers(float[][] probabilities, Settings settings) {
        int[][] out = new int[probabilities.length][words.length];
        for (int i = 0; i < probabilities.length; i++) {
            java.util.Arrays.fill(out[i], -1);
            // With a bonus the search would reward the unseen word in the seen one's stead: penalties only;
            // and without them (weight 0) nothing is penalised, so no place needs filling.
            if (settings.weight() == 0 || settings.bonus() > 0) {
                continue;
            }
            for (int j = 0; j < words.length; j++) {
                Places place = places[j];
                double own = evidence(probabilities[i], j);
                if (place == null || own >= settings.threshold()) {
                    continue;
                }
                double best = settings.threshold();
                for (int k = 0; k < place.members().length; k++) {
                    double e = evidence(probabilities[i], place.memberSupport()[k]);
                    if (e >= best) {
                        best = e;
                        out[i][j] = place.members()[k];
                    }
                }
                // A named class first; the family's word only where none is seen, and counting only the
                // family's other members: a doubtful dog (wolf-like, 0.6) is more likely a dog than "an animal".
                if (out[i][j] < 0 && place.family() >= 0
                        && evidence(probabilities[i], place.familySupport()) - own >= settings.threshold()) {
                    out[i][j] = place.family();
                }
            }
        }
        return out;
    }

    /**
     * A caption's words with places filled ({@code fill}: one photo's {@link #fillers} row): each
     * unseen class name the row gives a filler for becomes the filler, unless the caption already
     * names the filler's class (no "a cat chases a cat" from "a dog chases a horse") or the word
     * ends a longer name ("teddy bear", "dirt bike"); "a"/"an" before it follows the new word.
     */
    public int[] fill(int[] caption, int[] fill, Vocabulary vocabulary) {
        int[] out = caption.clone();
        Chair chair = Chair.standard();
        for (int k = 0; k < out.length; k++) {
            int j = indexOfWord(out[k]);
            if (j < 0 || fill.length <= j || fill[j] < 0) {
                continue;
            }
            String filler = vocabulary.word(fill[j]);
            String before = k > 0 ? vocabulary.word(out[k - 1]) : null;
            if (before != null && !chair.classesIn(before + " " + vocabulary.word(out[k]))
                    .equals(chair.classesIn(vocabulary.word(out[k])))) {
                continue;
            }
            Set<String> fillerClasses = chair.classesIn(filler);
            // The family's word names no class: it is written once at most, in either number.
            if (fillerClasses.isEmpty() ? java.util.Arrays.stream(out).mapToObj(vocabulary::word)
                            .anyMatch(w -> w.equals(filler) || (w + "s").equals(filler) || w.equals(filler + "s"))
                    : chair.classesIn(vocabulary.text(out)).containsAll(fillerClasses)) {
                continue;
            }
            out[k] = fill[j];
        }
        return Articles.agree(out, vocabulary);
    }

    /**
     * {@code words} (a caption's, as text tokens) with "animal" replaced by the photo's animal where
     * ImageNet sees one its vocabulary has no word for, one class at least {@link #NAMED_ANIMAL}: "a white
     * animal is running in the snow" becomes "a white fox …" (Arctic fox 0.98). The name is WordNet's
     * everyday one for the class ({@link ImageNetWords#name}); "a"/"an" before it follows it. Only the
     * singular (no plural is made up), not where the caption already says the name, and with
     * penalties only, as {@link #fillers}. This is Anderson et al.'s open vocabulary at its simplest: the
     * decoder writes the placeholder it knows, the classifier names what it is. A doubtful animal
     * (a giraffe, which ImageNet lacks, seen as a camel at 0.37) stays "animal". The same array where
     * nothing changes.
     */
    public String[] nameSeenAnimals(String[] words, float[] probabilities, Settings settings) {
        if (settings.weight() == 0 || settings.bonus() > 0) {
            return words;
        }
        String family = FAMILY_WORDS.get(0);
        int best = -1;
        for (int c = 0; c < unnamedAnimals.length; c++) {
            if (unnamedAnimals[c] != null && (best < 0 || probabilities[c] > probabilities[best])) {
                best = c;
            }
        }
        if (best < 0 || probabilities[best] < NAMED_ANIMAL
                || java.util.Arrays.asList(words).contains(unnamedAnimals[best])) {
            return words;
        }
        String[] out = words;
        for (int k = 0; k < words.length; k++) {
            // Not a toy ("a stuffed animal") or a pattern ("an animal print").
            boolean compound = (k > 0 && NOT_AN_ANIMAL_BEFORE.contains(words[k - 1]))
                    || (k + 1 < words.length && NOT_AN_ANIMAL_AFTER.contains(words[k + 1]));
            if (words[k].equals(family) && !compound) {
                if (out == words) {
                    out = words.clone();
                }
                out[k] = unnamedAnimals[best];
                if (k > 0 && (out[k - 1].equals("a") || out[k - 1].equals("an"))) {
                    out[k - 1] = Articles.takesAn(out[k]) ? "an" : "a";
                }
                break;
            }
        }
        return out;
    }

    private int indexOfWord(int id) {
        for (int j = 0; j < words.length; j++) {
            if (words[j] == id) {
                return j;
            }
        }
        return -1;
    }

    /**
     * The word biases for a batch of photos, one {@link ObjectClassifier#evidence} row each. A word
     * that a seen class will fill ({@link #fillers}) is not penalised: its place in the caption is kept.
     */
    public WordBiases biases(float[][] probabilities, Settings settings) {
        return biases(probabilities, settings, new int[probabilities.length][0]);
    }

    /** As {@link #biases(float[][], Settings)}, with the {@link #fillers} already found for these photos. */
    public WordBiases biases(float[][] probabilities, Settings settings, int[][] filled) {
        float[][] out = new float[probabilities.length][words.length];
        for (int i = 0; i < probabilities.length; i++) {
            for (int j = 0; j < words.length; j++) {
                double evidence = evidence(probabilities[i], j);
                double ratio = evidence / settings.threshold();
                boolean kept = filled[i].length > j && filled[i][j] >= 0;
                out[i][j] = ratio >= 1 ? (float) (settings.bonus() * evidence)
                        : kept ? 0f : (float) (settings.weight() * Math.log(Math.max(ratio, FLOOR)));
                // A filled place is never ruled out (no detector's class is an animal or a vehicle today).
                if (detectorWord[j] && evidence < settings.ruleOut() && !kept) {
                    out[i][j] = RULED_OUT;
                }
            }
        }
        return new WordBiases(words.clone(), groups.clone(), out);
    }
}
