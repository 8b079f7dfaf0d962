package org.captioner.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** n-gram counting shared by BLEU and CIDEr. */
final class NGrams {
    private NGrams() {}

    /** Counts of every 1..n-gram of {@code words}; keys are the words joined by a space. */
    static Map<String, Integer> count(List<String> words, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int k = 1; k <= n; k++) {
            for (int i = 0; i + k <= words.size(); i++) {
                counts.merge(String.join(" ", words.subList(i, i + k)), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The order (1..n) of an n-gram key. */
    static int order(String ngram) {
        int spaces = 0;
        for (int i = 0; i < ngram.length(); i++) {
            if (ngram.charAt(i) == ' ') {
                spaces++;
            }
        }
        return spaces + 1;
    }

    /** Splits like Python's {@code str.split()}: on runs of whitespace, no empty tokens. */
    static List<String> words(String tokenized) {
        String s = tokenized.strip();
        return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
    }
}
