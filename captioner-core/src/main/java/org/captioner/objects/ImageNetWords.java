package org.captioner.objects;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ImageNet classes in classifier order with the caption words WordNet relates them to
 * ({@code imagenet-words.tsv}, made by {@code scripts/imagenet_words.py}): each class's own label
 * and every vocabulary word on its hypernym paths, nearest first ({@code tabby: cat, animal}).
 */
public final class ImageNetWords {

    private final List<String> labels;
    private final List<String> names;
    private final List<Set<String>> pathWords;
    private final Map<String, int[]> classesOfWord;
    private final List<String> tagWords;

    private ImageNetWords(List<String> labels, List<String> names, List<Set<String>> pathWords,
            List<String> vocabularyWords) {
        this.labels = List.copyOf(labels);
        this.names = List.copyOf(names);
        this.pathWords = pathWords.stream().map(Collections::unmodifiableSet).toList();
        // Caption vocabularies list words most frequent first: the rank is how common a word is.
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < vocabularyWords.size(); i++) {
            rank.putIfAbsent(vocabularyWords.get(i), i);
        }
        Map<String, List<Integer>> byWord = new HashMap<>();
        for (int c = 0; c < pathWords.size(); c++) {
            for (String w : pathWords.get(c)) {
                byWord.computeIfAbsent(w, k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, int[]> index = new HashMap<>();
        byWord.forEach((w, cs) -> index.put(w, cs.stream().mapToInt(Integer::intValue).toArray()));
        this.classesOfWord = Map.copyOf(index);
        List<String> tags = new ArrayList<>(labels.size());
        for (int c = 0; c < labels.size(); c++) {
            tags.add(chooseTagWord(c, rank));
        }
        this.tagWords = List.copyOf(tags);
    }

    /**
     * Reads the table; lines starting with {@code #} are comments, the first other line is the
     * header. {@code vocabularyWords}, most frequent first, decide which word a tag shows.
     */
    public static ImageNetWords load(Path tsv, List<String> vocabularyWords) throws IOException {
        List<String> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Set<String>> paths = new ArrayList<>();
        Map<String, Integer> column = null;
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (column == null) {
                column = new HashMap<>();
                for (int i = 0; i < f.length; i++) {
                    column.put(f[i], i);
                }
                for (String needed : List.of("index", "imagenet_name", "path_words")) {
                    if (!column.containsKey(needed)) {
                        throw new IOException(tsv + ": no '" + needed + "' column in the header");
                    }
                }
                continue;
            }
            int index = Integer.parseInt(f[column.get("index")]);
            if (index != labels.size()) {
                throw new IOException(tsv + ": class " + index + " out of order (expected " + labels.size() + ")");
            }
            labels.add(f[column.get("imagenet_name")].split(",")[0].strip());
            // Tables made before the column existed have no everyday names.
            Integer name = column.get("name");
            names.add(name == null || name >= f.length ? "" : f[name].strip());
            Set<String> path = new LinkedHashSet<>();
            for (String entry : f[column.get("path_words")].strip().split("\\s+")) {
                if (!entry.isEmpty()) {
                    path.add(entry.replaceFirst(":\\d+$", ""));
                }
            }
            paths.add(path);
        }
        return new ImageNetWords(labels, names, paths, vocabularyWords);
    }

    public int size() {
        return labels.size();
    }

    /** The class's ImageNet name (its first synonym), e.g. "tabby". */
    public String label(int c) {
        return labels.get(c);
    }

    /**
     * The class's everyday name in one word, in the vocabulary or not ("fox" for the Arctic fox,
     * "zebra"), as {@code scripts/imagenet_words.py} chose it through WordNet; "" where the table
     * has none.
     */
    public String name(int c) {
        return names.get(c);
    }

    /** Classes a tag word may cover: "dog" (118 breeds) is a tag, "animal" (about 400) is too vague. */
    private static final int MAX_TAG_CLASSES = 130;

    /**
     * The word a user is shown for class {@code c}: of the caption words on its hypernym paths
     * covering at most {@value #MAX_TAG_CLASSES} classes, the one captions use most (the caption
     * vocabulary's order), so the 118 dog breeds are all "dog" rather than "terrier" or "hound";
     * else the ImageNet label ("Arctic fox" rather than "animal").
     */
    public String tagWord(int c) {
        return tagWords.get(c);
    }

    /** {@link #tagWord}, chosen once when the table is loaded; {@code rank}: vocabulary position by word. */
    private String chooseTagWord(int c, Map<String, Integer> rank) {
        String best = null;
        for (String w : pathWords.get(c)) {
            Integer r = rank.get(w);
            if (classesOf(w).length <= MAX_TAG_CLASSES && r != null && (best == null || r < rank.get(best))) {
                best = w;
            }
        }
        return best != null ? best : labels.get(c);
    }

    /** The caption words on class {@code c}'s hypernym paths, nearest first. */
    public Set<String> pathWords(int c) {
        return pathWords.get(c);
    }

    /** The classes whose hypernym paths contain {@code word} (empty when none). */
    public int[] classesOf(String word) {
        return classesOfWord.getOrDefault(word, new int[0]);
    }
}
