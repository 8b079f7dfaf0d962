package org.captioner.objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * training photos ImageNet takes for a tennis racket say "tennis", 16 say "racket". A word most
 * captions of one ImageNet class's photos use and few others do ({@link Word#alsoNamed}) counts as
 * naming the thing in photos of that class: in its share here, and where a caption must name it
 * ("a man is playing tennis", where the search otherwise wrote "a man is jumping a racket"). It is
 * measured per ImageNet class, not per thing, because a thing's classes are used differently: the
 * football helmets of Flickr8k are "football", a cyclist's crash helmet is not.
 *
 * @param measuredOn the photos and captions counted
 * @param evidence the evidence at which a photo counted as showing the thing
 * @param minShare the smoothed share ({@link Word#share}) at which a thing is nameable
 * @param words every thing that can be required, most photos first; one never seen has share 0.5
 */
public record NameableWords(String measuredOn, double evidence, double minShare, List<Word> words) {

    public static final String FILE = "nameable-words.json";

    /** An ImageNet class needs this many photos before the words its captions use are trusted. */
    static final int ALSO_MIN_PHOTOS = 10;
    /** ... of which at least this share must use the word ... */
    static final double ALSO_MIN_SHARE = 0.4;
    /** ... at least this many times as often as all photos' captions do. */
    static final double ALSO_MIN_LIFT = 40;

    /**
     * @param photos photos where the classifier saw it
     * @param named those of them whose captions name it, by its own names or its {@code alsoNamed} words
     * @param alsoNamed the other words that name it in photos of one of its ImageNet classes (empty: none)
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
            return (named + 1.0) / (photos + 2.0);
        }
    }

    /**
     * Words that name a thing in the photos of one of its ImageNet classes: {@code photos} of the
     * photos counted showed the thing with this class its best-seen, and of them the captions of at
     * least {@value #ALSO_MIN_SHARE} used each word, at least {@value #ALSO_MIN_LIFT} times as often as
     * all photos' captions (and at least {@value #ALSO_MIN_PHOTOS} photos). No person word: those are
     * the person detector's to allow or rule out.
     *
     * @param imagenetClass the class's index in the classifier's 1,000
     * @param label its ImageNet name, for people reading the file
     */
    public record AlsoNamed(int imagenetClass, String label, int photos, List<String> words) {

        public AlsoNamed {
            words = List.copyOf(words);
        }
    }

    public NameableWords {
        words = List.copyOf(words);
    }

    /** Per nameable-or-not thing that has any: ImageNet class -> the words that also name it in its photos. */
    public Map<String, Map<Integer, List<String>>> alsoNamed() {
        Map<String, Map<Integer, List<String>>> out = new LinkedHashMap<>();
        for (Word w : words) {
            for (AlsoNamed a : w.alsoNamed()) {
                out.computeIfAbsent(w.word(), k -> new LinkedHashMap<>()).put(a.imagenetClass(), a.words());
            }
        }
        return out;
    }

    /** The names of the nameable things. */
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
        return new ObjectMapper().readValue(file.toFile(), NameableWords.class);
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
        /** Per vocabulary word: the photos whose captions use it; and all photos. */
        private final Map<String, Integer> used = new HashMap<>();
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
                Grounding.Requirable thing = things.get(k);
                Set<String> own = new HashSet<>();
                for (int id : thing.tokens()) {
                    own.add(vocabulary.word(id));
                }
                Map<Integer, List<Seen>> byClass = new LinkedHashMap<>();
                for (Seen s : seen.get(k)) {
                    byClass.computeIfAbsent(s.imagenetClass(), c -> new ArrayList<>()).add(s);
                }
                List<AlsoNamed> also = new ArrayList<>();
                Map<Integer, Set<String>> alsoByClass = new HashMap<>();
                byClass.forEach((c, photos) -> {
                    List<String> words = alsoNames(photos, own);
                    if (!words.isEmpty()) {
                        also.add(new AlsoNamed(c, imagenet.label(c), photos.size(), words));
                        alsoByClass.put(c, new HashSet<>(words));
                    }
                });
                also.sort(java.util.Comparator.comparingInt((AlsoNamed a) -> -a.photos()).thenComparingInt(AlsoNamed::imagenetClass));
                int named = 0;
                for (Seen s : seen.get(k)) {
                    Set<String> a = alsoByClass.getOrDefault(s.imagenetClass(), Set.of());
                    named += s.named() || s.tokens().stream().anyMatch(a::contains) ? 1 : 0;
                }
                out.add(new Word(thing.name(), seen.get(k).size(), named, also));
            }
            out.sort(java.util.Comparator.comparingInt((Word w) -> -w.photos()).thenComparing(Word::word));
            return new NameableWords(measuredOn, evidence, minShare, out);
        }

        /** The word that names a thing most often in these photos of one class besides its {@code own} names, if any. */
        private List<String> alsoNames(List<Seen> photos, Set<String> own) {
            if (photos.size() < ALSO_MIN_PHOTOS) {
                return List.of();
            }
            Map<String, Integer> inClass = new HashMap<>();
            for (Seen s : photos) {
                s.tokens().forEach(t -> inClass.merge(t, 1, Integer::sum));
            }
            List<String> out = new ArrayList<>();
            inClass.forEach((word, n) -> {
                double share = (double) n / photos.size();
                double lift = share / ((double) used.get(word) / counted);
                if (share >= ALSO_MIN_SHARE && lift >= ALSO_MIN_LIFT && !own.contains(word)
                        && !chair.classesIn(word).contains(Grounding.PERSON)) {
                    out.add(word);
                }
            });
            // Only the word most used: the name people give it here ("tennis"), not the words of the scene
            // around it ("court"), which a caption made to name the thing would take as readily.
            out.sort(java.util.Comparator.comparingInt((String w) -> -inClass.get(w)).thenComparing(w -> w));
            return out.isEmpty() ? out : List.of(out.get(0));
        }
    }
}
