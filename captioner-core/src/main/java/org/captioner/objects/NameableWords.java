package org.captioner.objects;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.captioner.metrics.Chair;
import org.captioner.text.PtbTokenizer;
import org.captioner.text.Vocabulary;

/**
 * Which of the things the ImageNet classifier sees people name when they describe a photo,
 * measured on captioned training photos: of the photos where a {@link Grounding.Requirable} thing
 * has at least {@code evidence}, the share whose captions name it. ImageNet tags a swimsuit
 * "clothing" and a bus "vehicle", and people write "shirt" and "bus"; they do write "dog",
 * "fountain" and "bench". Grounding requires only nameable things in a caption
 * ({@link Grounding#required}), so the search is never made to write "a woman in a clothing".
 *
 * <p>People also name a thing by what is done with it: the captions of 20 of the 21 Flickr8k
 * training photos ImageNet takes for a tennis racket say "tennis", 16 say "racket". The word most
 * captions of one ImageNet class's photos use and few others do ({@link AlsoNamed}) names the thing
 * in photos of that class: where, counting it, people name the thing there, a caption must name it
 * there, and the word does ("a man is playing tennis", where the search otherwise wrote "a man is
 * jumping a racket"). It is measured and used per ImageNet class, not per thing, because a thing's
 * classes are used differently: Flickr8k's football helmets are "football", its crash helmets
 * "motorcycle", and a helmet seen alone is seldom named at all.
 *
 * @param measuredOn the photos and captions counted
 * @param evidence the evidence at which a photo counted as showing the thing
 * @param minShare the smoothed share ({@link Word#share}, {@link AlsoNamed#share}) at which a thing is nameable
 * @param words every thing that can be required, most photos first; one never seen has share 0.5
 */
public record NameableWords(String measuredOn, double evidence, double minShare, List<Word> words) {

    public static final String FILE = "nameable-words.json";

    /** An ImageNet class needs 10 photos before the words its captions use are trusted, ... */
    static final int ALSO_MIN_PHOTOS = 10;
    /** ... of which at least 40 % must use the word, ... */
    static final double ALSO_MIN_SHARE = 0.4;
    /** ... at least 40 times as often as all photos' captions do. */
    static final double ALSO_MIN_LIFT = 40;

    /**
     * @param photos photos where the classifier saw it
     * @param named those of them whose captions name it by its own names
     * @param alsoNamed its classes whose photos' captions also name it by another word (empty: none)
     */
    public record Word(String word, int photos, int named, List<AlsoNamed> alsoNamed) {

        public Word(String word, int photos, int named) {
            this(word, photos, named, List.of());
        }

        public Word {
            alsoNamed = alsoNamed == null ? List.of() : List.copyOf(alsoNamed);
        }

        /**
         * The share of photos named, smoothed as if one more were named and one not (Laplace), so
         * that a thing seen once and named once is not taken for certain.
         */
        public double share() {
            return smoothedShare(named, photos);
        }
    }

    /** {@code named} of {@code photos}, smoothed as {@link Word#share} says. */
    private static double smoothedShare(int named, int photos) {
        return (named + 1.0) / (photos + 2.0);
    }

    /**
     * Another word that names a thing in the photos of one of its ImageNet classes: of the
     * {@code photos} counted that showed the thing with this class its best-seen, the captions of at
     * least 40 % use {@code word}, at least 40 times as often as all photos' captions, and no other
     * such word is used more (at least 10 photos; no person word, since those are the person detector's
     * to allow or rule out). {@code named}: those photos whose captions name the thing by its own
     * names or by {@code word}.
     *
     * @param imagenetClass the class's index in the classifier's 1,000
     * @param label its ImageNet name, for people reading the file
     */
    public record AlsoNamed(int imagenetClass, String label, int photos, int named, String word) {

        /** As {@link Word#share}, for this class's photos. */
        public double share() {
            return smoothedShare(named, photos);
        }
    }

    public NameableWords {
        words = List.copyOf(words);
    }

    /**
     * Per thing, for each of its classes whose photos people name it in only when {@link AlsoNamed#word}
     * counts (its share, so counted, at least {@code minShare}): the class and the word. "tennis racket":
     * racket -> "tennis".
     */
    public Map<String, Map<Integer, String>> alsoNamed() {
        Map<String, Map<Integer, String>> out = new LinkedHashMap<>();
        for (Word w : words) {
            for (AlsoNamed a : w.alsoNamed()) {
                if (a.share() >= minShare) {
                    out.computeIfAbsent(w.word(), k -> new LinkedHashMap<>()).put(a.imagenetClass(), a.word());
                }
            }
        }
        return out;
    }

    /** The names of the nameable things (by their own names, in all their photos). */
    public Set<String> nameable() {
        Set<String> out = new LinkedHashSet<>();
        for (Word w : words) {
            if (w.share() >= minShare) {
                out.add(w.word());
            }
        }
        return out;
    }

    public static NameableWords read(Path file) throws IOException {
        // A later version's fields are skipped, as for the bundle's other files.
        return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(file.toFile(), NameableWords.class);
    }

    public void write(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    /** Counts photos and namings, one captioned photo at a time. */
    public static final class Tally {

        private final List<Grounding.Requirable> things;
        private final Vocabulary vocabulary;
        private final ImageNetWords imagenet;
        private final double evidence;
        /** Per thing: each photo that showed it, with its best-seen class and whether its own names were used. */
        private final List<List<Seen>> seen = new ArrayList<>();
        /** Per vocabulary word: the photos whose captions use it. */
        private final Map<String, Integer> used = new HashMap<>();
        /** All photos counted. */
        private int counted;
        private final Chair chair = Chair.standard();

        private record Seen(int imagenetClass, Set<String> tokens, boolean named) {}

        public Tally(Grounding grounding, Vocabulary vocabulary, ImageNetWords imagenet, double evidence) {
            this.things = grounding.requirable();
            this.vocabulary = vocabulary;
            this.imagenet = imagenet;
            this.evidence = evidence;
            for (int k = 0; k < things.size(); k++) {
                seen.add(new ArrayList<>());
            }
        }

        /** One photo: its {@link ObjectClassifier#evidence} row and its reference captions. */
        public void add(float[] probabilities, List<String> captions) {
            Set<String> tokens = new HashSet<>();
            for (String caption : captions) {
                for (String token : PtbTokenizer.get().tokenize(caption)) {
                    if (vocabulary.id(token) != Vocabulary.UNK_ID) {
                        tokens.add(token);
                    }
                }
            }
            counted++;
            tokens.forEach(t -> used.merge(t, 1, Integer::sum));
            Set<String> classes = null;
            for (int k = 0; k < things.size(); k++) {
                Grounding.Requirable thing = things.get(k);
                if (thing.evidence(probabilities) < evidence) {
                    continue;
                }
                if (classes == null) {
                    classes = chair.classesIn(captions);
                }
                boolean said = classes.contains(thing.name());
                for (int id : thing.tokens()) {
                    said |= tokens.contains(vocabulary.word(id));
                }
                seen.get(k).add(new Seen(thing.bestColumn(probabilities), tokens, said));
            }
        }

        public NameableWords result(String measuredOn, double minShare) {
            List<Word> out = new ArrayList<>();
            for (int k = 0; k < things.size(); k++) {
                Set<String> own = new HashSet<>();
                for (int id : things.get(k).tokens()) {
                    own.add(vocabulary.word(id));
                }
                Map<Integer, List<Seen>> byClass = new LinkedHashMap<>();
                for (Seen s : seen.get(k)) {
                    byClass.computeIfAbsent(s.imagenetClass(), c -> new ArrayList<>()).add(s);
                }
                List<AlsoNamed> also = new ArrayList<>();
                byClass.forEach((c, photos) -> {
                    String word = alsoName(photos, own);
                    if (word != null) {
                        int named = (int) photos.stream().filter(s -> s.named() || s.tokens().contains(word)).count();
                        also.add(new AlsoNamed(c, imagenet.label(c), photos.size(), named, word));
                    }
                });
                also.sort(Comparator.comparingInt((AlsoNamed a) -> -a.photos())
                        .thenComparingInt(AlsoNamed::imagenetClass));
                int named = (int) seen.get(k).stream().filter(Seen::named).count();
                out.add(new Word(things.get(k).name(), seen.get(k).size(), named, also));
            }
            out.sort(Comparator.comparingInt((Word w) -> -w.photos()).thenComparing(Word::word));
            return new NameableWords(measuredOn, evidence, minShare, out);
        }

        /**
         * The word that names a thing most often in these photos of one class besides its {@code own}
         * names, or null. Only the most used: the name people give it here ("tennis"), not the words of
         * the scene around it ("court"), which a caption made to name the thing would take as readily.
         */
        private String alsoName(List<Seen> photos, Set<String> own) {
            if (photos.size() < ALSO_MIN_PHOTOS) {
                return null;
            }
            Map<String, Integer> inClass = new HashMap<>();
            for (Seen s : photos) {
                s.tokens().forEach(t -> inClass.merge(t, 1, Integer::sum));
            }
            String best = null;
            for (Map.Entry<String, Integer> e : inClass.entrySet()) {
                String word = e.getKey();
                double share = (double) e.getValue() / photos.size();
                double lift = share / ((double) used.get(word) / counted);
                boolean qualifies = share >= ALSO_MIN_SHARE && lift >= ALSO_MIN_LIFT && !own.contains(word)
                        && !chair.classesIn(word).contains(Grounding.PERSON);
                if (qualifies && (best == null || e.getValue() > inClass.get(best)
                        || (e.getValue().equals(inClass.get(best)) && word.compareTo(best) < 0))) {
                    best = word;
                }
            }
            return best;
        }
    }
}
