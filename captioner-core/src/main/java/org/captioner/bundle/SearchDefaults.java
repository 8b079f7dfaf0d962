package org.captioner.bundle;

/**
 * How a bundle wants to be decoded unless told otherwise (chosen on the dev split).
 *
 * @param beam beam width (1 = greedy)
 * @param lengthPenalty α of the length normalisation
 * @param maxLength most words per caption
 */
public record SearchDefaults(int beam, double lengthPenalty, int maxLength) {
    public SearchDefaults {
        if (beam < 1 || maxLength < 1 || lengthPenalty < 0) {
            throw new IllegalArgumentException("invalid search defaults: beam " + beam + ", α " + lengthPenalty
                    + ", max length " + maxLength);
        }
    }

    public static SearchDefaults standard() {
        return new SearchDefaults(3, 0.0, 20);
    }
}
