package org.captioner.bundle;

/**
 * How a bundle wants to be decoded unless told otherwise (chosen on the dev split).
 *
 * @param beam beam width (1 = greedy)
 * @param lengthPenalty α of the length normalisation
 * @param maxLength most words per caption
 * @param rerank weight of the caption matcher's similarity when the beam's captions are reranked
 *     ({@code org.captioner.rerank.Reranking}; 0, or absent from an older bundle.json: not reranked)
 */
public record SearchDefaults(int beam, double lengthPenalty, int maxLength, double rerank) {
    public SearchDefaults {
        if (beam < 1 || maxLength < 1 || lengthPenalty < 0 || rerank < 0) {
            throw new IllegalArgumentException("invalid search defaults: beam " + beam + ", α " + lengthPenalty
                    + ", max length " + maxLength + ", rerank " + rerank);
        }
    }

    public SearchDefaults(int beam, double lengthPenalty, int maxLength) {
        this(beam, lengthPenalty, maxLength, 0);
    }

    public static SearchDefaults standard() {
        return new SearchDefaults(3, 0.0, 20);
    }
}
