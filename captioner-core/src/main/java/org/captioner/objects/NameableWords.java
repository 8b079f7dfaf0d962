package org.captioner.objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
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
 * @param measuredOn the photos and captions counted
 * @param evidence the evidence at which a photo counted as showing the thing
 * @param minShare the smoothed share ({@link Word#share}) at which a thing is nameable
 * @param words every thing that can be required, most photos first; one never seen has share 0.5
 */
public record NameableWords(String measuredOn, double evidence, double minShare, List<Word> words) {

    public static final String FILE = "nameable-words.json";

    /**
     * @param photos photos where the classifier saw it
     * @param named those of them whose captions name it
     */
    public record Word(String word, int photos, int named) {

        /**
         * The share of photos named, smoothed as if one more were named and one not (Laplace), so
         * that a thing seen once and named once is not taken for certain.
         */
        public double share() {
            return (named + 1.0) / (photos + 2.0);
        }
    }

    public NameableWords {
        words = List.copyOf(words);
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
        private final double evidence;
        private final int[] photos;
        private final int[] named;
        private final Chair chair = Chair.standard();

        public Tally(Grounding grounding, Vocabulary vocabulary, double evidence) {
            this.things = grounding.requirable();
            this.vocabulary = vocabulary;
            this.evidence = evidence;
            this.photos = new int[things.size()];
            this.named = new int[things.size()];
        }

        /** One photo: its {@link ObjectClassifier#evidence} row and its reference captions. */
        public void add(float[] probabilities, List<String> captions) {
            Set<String> tokens = null;
            Set<String> classes = null;
            for (int k = 0; k < things.size(); k++) {
                Grounding.Requirable thing = things.get(k);
                if (thing.evidence(probabilities) < evidence) {
                    continue;
                }
                if (tokens == null) {
                    tokens = new HashSet<>();
                    for (String caption : captions) {
                        tokens.addAll(PtbTokenizer.get().tokenize(caption));
                    }
                    classes = chair.classesIn(captions);
                }
                photos[k]++;
                boolean said = classes.contains(thing.name());
                for (int id : thing.tokens()) {
                    said |= tokens.contains(vocabulary.word(id));
                }
                named[k] += said ? 1 : 0;
            }
        }

        public NameableWords result(String measuredOn, double minShare) {
            List<Word> out = new ArrayList<>();
            for (int k = 0; k < things.size(); k++) {
                out.add(new Word(things.get(k).name(), photos[k], named[k]));
            }
            out.sort(java.util.Comparator.comparingInt((Word w) -> -w.photos()).thenComparing(Word::word));
            return new NameableWords(measuredOn, evidence, minShare, out);
        }
    }
}
