package org.captioner.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The words a model can read and write, with the four special tokens first. Built from training
 * captions keeping words seen at least {@code minCount} times; saved with the model bundle.
 */
public final class Vocabulary {

    public static final String PAD = "<pad>";
    public static final String START = "<start>";
    public static final String END = "<end>";
    public static final String UNK = "<unk>";

    public static final int PAD_ID = 0;
    public static final int START_ID = 1;
    public static final int END_ID = 2;
    public static final int UNK_ID = 3;

    private final List<String> words;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> words) {
        if (words.size() < 4
                || !words.get(PAD_ID).equals(PAD)
                || !words.get(START_ID).equals(START)
                || !words.get(END_ID).equals(END)
                || !words.get(UNK_ID).equals(UNK)) {
            throw new IllegalArgumentException("vocabulary must start with <pad> <start> <end> <unk>");
        }
        this.words = List.copyOf(words);
        this.ids = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            if (ids.put(words.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate word in vocabulary: " + words.get(i));
            }
        }
    }

    /**
     * Builds a vocabulary from tokenised captions. Words are ordered by descending count, then
     * alphabetically, so the same captions always give the same ids.
     */
    public static Vocabulary build(Iterable<List<String>> tokenisedCaptions, int minCount) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be at least 1, got " + minCount);
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (List<String> caption : tokenisedCaptions) {
            for (String w : caption) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> kept = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() >= minCount && !isSpecial(e.getKey())) {
                kept.add(e);
            }
        }
        kept.sort((a, b) -> b.getValue().equals(a.getValue())
                ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        List<String> words = new ArrayList<>(List.of(PAD, START, END, UNK));
        kept.forEach(e -> words.add(e.getKey()));
        return new Vocabulary(words);
    }

    /** A vocabulary with exactly these words after the special tokens. */
    public static Vocabulary of(List<String> plainWords) {
        List<String> words = new ArrayList<>(List.of(PAD, START, END, UNK));
        words.addAll(plainWords);
        return new Vocabulary(words);
    }

    private static boolean isSpecial(String w) {
        return w.equals(PAD) || w.equals(START) || w.equals(END) || w.equals(UNK);
    }

    public int size() {
        return words.size();
    }

    public int id(String word) {
        return ids.getOrDefault(word, UNK_ID);
    }

    public String word(int id) {
        return words.get(id);
    }

    public List<String> words() {
        return Collections.unmodifiableList(words);
    }

    /** {@code <start> w1 .. wn <end>}, truncated so that at most {@code maxWords} words remain. */
    public int[] ids(List<String> tokens, int maxWords) {
        int n = Math.min(tokens.size(), maxWords);
        int[] out = new int[n + 2];
        out[0] = START_ID;
        for (int i = 0; i < n; i++) {
            out[i + 1] = id(tokens.get(i));
        }
        out[n + 1] = END_ID;
        return out;
    }

    /** The caption text for generated ids, stopping at {@code <end>} and skipping specials. */
    public String text(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id == END_ID) {
                break;
            }
            if (id == PAD_ID || id == START_ID) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(words.get(id));
        }
        return sb.toString();
    }

    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), words);
    }

    public static Vocabulary load(Path file) throws IOException {
        String[] words = new ObjectMapper().readValue(file.toFile(), String[].class);
        return new Vocabulary(List.of(words));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.words.equals(words);
    }

    @Override
    public int hashCode() {
        return words.hashCode();
    }
}
