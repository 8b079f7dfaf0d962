package org.captioner.search;

import java.util.Arrays;

/**
 * A generated caption: word ids without {@code <start>}/{@code <end>}, its total log-probability
 * (including {@code <end>} when it ended), and the score searches rank by.
 */
public record Hypothesis(int[] words, double logProb, double score, boolean ended) {

    /** Tokens that count for length normalisation: the words, plus {@code <end>} if emitted. */
    public int length() {
        return words.length + (ended ? 1 : 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hypothesis h && Arrays.equals(h.words, words) && h.logProb == logProb
                && h.score == score && h.ended == ended;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words) * 31 + Double.hashCode(logProb);
    }

    @Override
    public String toString() {
        return Arrays.toString(words) + " logp=" + logProb + " score=" + score + (ended ? "" : " (cut)");
    }
}
