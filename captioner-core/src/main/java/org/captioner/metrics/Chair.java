package org.captioner.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.captioner.text.PtbTokenizer;

/**
 * CHAIR, the object-hallucination metric of Rohrbach, Hendricks, Burns, Darrell and Saenko,
 * "Object Hallucination in Image Captioning", EMNLP 2018 (arXiv:1809.02156). A caption
 * <em>hallucinates</em> an object class when it names the class and the image does not contain it.
 * <ul>
 *   <li>{@code CHAIRs} (sentence level) = captions with at least one hallucinated class / all captions;
 *   <li>{@code CHAIRi} (instance level) = hallucinated class mentions / all class mentions.
 * </ul>
 * Lower is better.
 *
 * <p><b>How this differs from the paper.</b> The paper knows what an image contains from its MS-COCO
 * segmentation labels together with the words of its reference captions. Here the references alone
 * decide: a class is in the image when at least one of the image's reference captions names it. So
 * it works on any caption dataset (Flickr8k/30k have no object labels), at the price of counting as
 * hallucinated an object that is in the photo but that no reference writer mentioned; human captions
 * therefore score a few per cent rather than zero. Further, a class counts once per caption however
 * often it is named (so CHAIRi is the share of distinct (caption, class) pairs that are
 * hallucinated), and the word list is our own ({@code chair-objects.tsv} beside this class; its
 * header documents the format and the choices made).
 *
 * <p><b>Finding the classes a sentence names.</b> The sentence is tokenised as the COCO evaluation
 * does ({@link PtbTokenizer}: PTB tokens, lower case, punctuation removed); then, left to right, the
 * longest listed phrase starting at each token wins and its tokens are consumed, so "hot dog" is
 * never a dog and "teddy bear" never a bear. Word forms match exactly (no stemming): the table lists
 * plurals and synonyms. The person class covers people words (man, woman, girl, children, skier, ...),
 * so a "man" against references with "woman" is no hallucination. A few words name two classes: a
 * "skateboarder" is a person and a skateboard, "skiing" names skis, so a caption's "snowboard" is not
 * hallucinated when the references say "a snowboarder jumps".
 *
 * <p>Instances are immutable and thread-safe; {@link #standard()} is the shared default table.
 */
public final class Chair {

    /** The default table, a resource beside this class. */
    public static final String TABLE_RESOURCE = "chair-objects.tsv";

    /** The class name that marks phrases to consume without counting any object ("train tracks"). */
    public static final String NO_OBJECT = "-";

    /**
     * Where a sentence names an object class: the class, the phrase (its tokens joined by spaces) and
     * the index of its first token in {@code PtbTokenizer.get().tokenize(sentence)}.
     */
    public record Mention(String objectClass, String phrase, int token) {}

    private static volatile Chair standard;

    private final PtbTokenizer tokenizer = PtbTokenizer.get();
    private final List<String> classes;
    /** Phrase (tokens joined by single spaces) to its classes; empty for {@link #NO_OBJECT} phrases. */
    private final Map<String, List<String>> phrases;
    private final int longestPhrase;

    private Chair(List<String> classes, Map<String, List<String>> phrases, int longestPhrase) {
        this.classes = List.copyOf(classes);
        this.phrases = Map.copyOf(phrases);
        this.longestPhrase = longestPhrase;
    }

    /** The metric with the default table ({@value #TABLE_RESOURCE}: COCO's 80 classes). */
    public static Chair standard() {
        Chair c = standard;
        if (c == null) {
            synchronized (Chair.class) {
                c = standard;
                if (c == null) {
                    try (InputStream in = Chair.class.getResourceAsStream(TABLE_RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException("resource " + TABLE_RESOURCE + " missing beside "
                                    + Chair.class.getName());
                        }
                        c = read(new InputStreamReader(in, StandardCharsets.UTF_8), TABLE_RESOURCE);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    standard = c;
                }
            }
        }
        return c;
    }

    /**
     * Reads a table in the format of {@value #TABLE_RESOURCE}: per line a class name, a TAB, then
     * comma-separated phrases; {@code #} comments and blank lines are skipped; class {@value #NO_OBJECT}
     * lists phrases that name no object. A phrase listed under several classes names all of them
     * ("skateboarder": person and skateboard).
     *
     * @param source named in error messages
     * @throws IllegalArgumentException on a malformed line, a class listed twice, a phrase listed twice
     *     for one class, or a phrase listed both under {@value #NO_OBJECT} and under a class
     */
    public static Chair read(Reader table, String source) throws IOException {
        PtbTokenizer tokenizer = PtbTokenizer.get();
        List<String> classes = new ArrayList<>();
        Map<String, List<String>> phrases = new HashMap<>();
        int longest = 1;
        BufferedReader lines = new BufferedReader(table);
        String line;
        int number = 0;
        while ((line = lines.readLine()) != null) {
            number++;
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            String where = source + " line " + number + ": ";
            int tab = line.indexOf('\t');
            if (tab <= 0) {
                throw new IllegalArgumentException(where + "expected a class name, a TAB, then phrases");
            }
            String name = line.substring(0, tab).strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException(where + "empty class name");
            }
            if (!name.equals(NO_OBJECT)) {
                if (classes.contains(name)) {
                    throw new IllegalArgumentException(where + "class '" + name + "' listed twice");
                }
                classes.add(name);
            }
            int count = 0;
            for (String raw : line.substring(tab + 1).split(",")) {
                if (raw.isBlank()) {
                    continue;
                }
                List<String> tokens = tokenizer.tokenize(raw.strip());
                if (tokens.isEmpty()) {
                    throw new IllegalArgumentException(where + "phrase '" + raw.strip() + "' has no words");
                }
                String phrase = String.join(" ", tokens);
                List<String> named = phrases.computeIfAbsent(phrase, k -> new ArrayList<>());
                boolean noObject = named.contains(NO_OBJECT);
                if (named.contains(name) || (!named.isEmpty() && (noObject || name.equals(NO_OBJECT)))) {
                    throw new IllegalArgumentException(where + "phrase '" + phrase + "' already listed for '"
                            + named.get(0) + "'");
                }
                named.add(name);
                longest = Math.max(longest, tokens.size());
                count++;
            }
            if (count == 0) {
                throw new IllegalArgumentException(where + "class '" + name + "' has no phrases");
            }
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException(source + ": no object classes");
        }
        Map<String, List<String>> named = new HashMap<>();
        phrases.forEach((phrase, names) ->
                named.put(phrase, names.stream().filter(n -> !n.equals(NO_OBJECT)).toList()));
        return new Chair(classes, named, longest);
    }

    /** The object class names, in table order (COCO's category order for the standard table). */
    public List<String> classes() {
        return classes;
    }

    /**
     * Every object-class phrase in {@code sentence}, in order (longest match first; see class doc).
     * A phrase that names several classes gives one mention per class, in table order.
     */
    public List<Mention> mentions(String sentence) {
        List<String> tokens = tokenizer.tokenize(sentence);
        List<Mention> out = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            int matched = 0;
            for (int n = Math.min(longestPhrase, tokens.size() - i); n >= 1 && matched == 0; n--) {
                String phrase = String.join(" ", tokens.subList(i, i + n));
                List<String> names = phrases.get(phrase);
                if (names != null) {
                    for (String name : names) {
                        out.add(new Mention(name, phrase, i));
                    }
                    matched = n;
                }
            }
            i += Math.max(matched, 1);
        }
        return out;
    }

    /** The distinct object classes {@code sentence} names, in order of first mention. */
    public Set<String> classesIn(String sentence) {
        Set<String> out = new LinkedHashSet<>();
        for (Mention m : mentions(sentence)) {
            out.add(m.objectClass());
        }
        return Collections.unmodifiableSet(out);
    }

    /** The distinct object classes any of {@code sentences} names, in order of first mention. */
    public Set<String> classesIn(List<String> sentences) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : sentences) {
            out.addAll(classesIn(s));
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * CHAIR of one candidate caption per image, judged against that image's reference captions
     * (the same inputs as {@link CaptionScorer#score}).
     *
     * @param references raw reference captions per image id
     * @param candidates one raw candidate caption per image id; every id must have references
     */
    public ChairScores score(Map<String, List<String>> references, Map<String, String> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidate captions to score");
        }
        Map<String, List<String>> perImage = new LinkedHashMap<>();
        Map<String, Integer> mentionsByClass = new HashMap<>();
        Map<String, Integer> hallucinationsByClass = new HashMap<>();
        int mentioned = 0;
        int hallucinated = 0;
        int captionsWithHallucination = 0;
        for (Map.Entry<String, String> e : candidates.entrySet()) {
            List<String> refs = references.get(e.getKey());
            if (refs == null || refs.isEmpty()) {
                throw new IllegalArgumentException("image " + e.getKey() + " has a candidate caption but no references");
            }
            Set<String> present = classesIn(refs);
            List<String> wrong = new ArrayList<>();
            for (String c : classesIn(e.getValue())) {
                mentioned++;
                mentionsByClass.merge(c, 1, Integer::sum);
                if (!present.contains(c)) {
                    wrong.add(c);
                    hallucinationsByClass.merge(c, 1, Integer::sum);
                }
            }
            hallucinated += wrong.size();
            if (!wrong.isEmpty()) {
                captionsWithHallucination++;
            }
            perImage.put(e.getKey(), List.copyOf(wrong));
        }
        int captions = candidates.size();
        return new ChairScores(
                (double) captionsWithHallucination / captions,
                mentioned == 0 ? 0.0 : (double) hallucinated / mentioned,
                captions, captionsWithHallucination, mentioned, hallucinated,
                sortedByCount(hallucinationsByClass), sortedByCount(mentionsByClass),
                Collections.unmodifiableMap(perImage));
    }

    /** Most first, ties by class name. */
    private static Map<String, Integer> sortedByCount(Map<String, Integer> counts) {
        Map<String, Integer> out = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return Collections.unmodifiableMap(out);
    }
}
