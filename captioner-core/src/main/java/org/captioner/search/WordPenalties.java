package org.captioner.search;

/**
 * Per-image penalties added to a few words' log-probabilities during a search: row {@code i} of
 * {@code perImage} holds image {@code i}'s penalty (≤ 0) for each of {@code words}. How grounding
 * tells the search which object words a photo gives no evidence for.
 */
public record WordPenalties(int[] words, float[][] perImage) {

    public WordPenalties {
        for (float[] row : perImage) {
            if (row.length != words.length) {
                throw new IllegalArgumentException("one penalty per word expected, got " + row.length);
            }
            for (float p : row) {
                // Penalties only: the searches' bounds assume log-probabilities never rise.
                if (!(p <= 0)) {
                    throw new IllegalArgumentException("penalties must be <= 0, got " + p);
                }
            }
        }
    }
}
