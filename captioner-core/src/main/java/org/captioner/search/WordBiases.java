package org.captioner.search;

/**
 * Per-image biases added to a few words' log-probabilities during a search: row {@code i} of
 * {@code perImage} holds image {@code i}'s bias for each of {@code words}, a penalty (< 0) or a
 * bonus (> 0). How grounding tells the search which object words a photo gives no evidence for,
 * and which it clearly shows. Words of one {@code groups} id name the same thing ("dog", "dogs",
 * "puppy"): a caption earns a group's bonus once, whichever of its words it uses.
 */
public record WordBiases(int[] words, int[] groups, float[][] perImage) {

    /** Each word its own group. */
    public WordBiases(int[] words, float[][] perImage) {
        this(words, java.util.stream.IntStream.range(0, words.length).toArray(), perImage);
    }

    public WordBiases {
        if (groups.length != words.length) {
            throw new IllegalArgumentException("one group per word expected, got " + groups.length);
        }
        for (float[] row : perImage) {
            if (row.length != words.length) {
                throw new IllegalArgumentException("one bias per word expected, got " + row.length);
            }
            for (float p : row) {
                if (!Float.isFinite(p)) {
                    throw new IllegalArgumentException("biases must be finite, got " + p);
                }
            }
        }
    }

    /** The biases of these images only, in this order (a search of some of them again). */
    public WordBiases select(int[] images) {
        float[][] rows = new float[images.length][];
        for (int k = 0; k < images.length; k++) {
            rows[k] = perImage[images[k]];
        }
        return new WordBiases(words, groups, rows);
    }

    /**
     * These biases and {@code other}'s, for the same photos: its words after these, its groups apart
     * from these. A word biased here keeps this bias and other's is left out (a search reads one bias
     * per word): a colour word that a custom ImageNet table also grounds as a thing ("orange") stays
     * held to the thing.
     */
    public WordBiases with(WordBiases other) {
        if (other.perImage.length != perImage.length) {
            throw new IllegalArgumentException("biases for " + perImage.length + " and " + other.perImage.length
                    + " photos");
        }
        int n = words.length;
        java.util.Set<Integer> mine = java.util.Arrays.stream(words).boxed().collect(java.util.stream.Collectors.toSet());
        int[] added = java.util.stream.IntStream.range(0, other.words.length).filter(j -> !mine.contains(other.words[j]))
                .toArray();
        int[] allWords = java.util.Arrays.copyOf(words, n + added.length);
        int[] allGroups = java.util.Arrays.copyOf(groups, n + added.length);
        int offset = java.util.Arrays.stream(groups).max().orElse(-1) + 1;
        for (int k = 0; k < added.length; k++) {
            allWords[n + k] = other.words[added[k]];
            allGroups[n + k] = offset + other.groups[added[k]];
        }
        float[][] rows = new float[perImage.length][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = java.util.Arrays.copyOf(perImage[i], n + added.length);
            for (int k = 0; k < added.length; k++) {
                rows[i][n + k] = other.perImage[i][added[k]];
            }
        }
        return new WordBiases(allWords, allGroups, rows);
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
