package org.captioner.search;

/**
 * Per-image biases added to a few words' log-probabilities during a search: row {@code i} of
 * {@code perImage} holds image {@code i}'s bias for each of {@code words}, a penalty (< 0) or a
 * bonus (> 0). How grounding tells the search which object words a photo gives no evidence for,
 * and which it clearly shows.
 */
public record WordBiases(int[] words, float[][] perImage) {

    public WordBiases {
        for (float[] row : perImage) {
            if (row.length != words.length) {
                throw new IllegalArgumentException("one penalty per word expected, got " + row.length);
            }
            for (float p : row) {
                if (!Float.isFinite(p)) {
                    throw new IllegalArgumentException("biases must be finite, got " + p);
                }
            }
        }
    }

    /** Whether any bias is a bonus: then a step can raise a caption's log-probability. */
    public boolean hasBonus() {
        for (float[] row : perImage) {
            for (float p : row) {
                if (p > 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
