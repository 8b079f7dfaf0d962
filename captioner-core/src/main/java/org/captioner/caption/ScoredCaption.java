package org.captioner.caption;

/**
 * A caption with its total log-probability and the (length-normalised) score it was ranked by.
 *
 * @param attention for an image's best caption from a decoder that attends to its regions, when
 *     asked for ({@link CaptionOptions#attention}): row k is where it looked (α over the regions,
 *     row-major over a square grid) for the caption's k-th word; otherwise null
 */
public record ScoredCaption(String text, double logProb, double score, float[][] attention) {

    public ScoredCaption(String text, double logProb, double score) {
        this(text, logProb, score, null);
    }

    /** The caption with its attention maps. */
    public ScoredCaption withAttention(float[][] alphas) {
        return new ScoredCaption(text, logProb, score, alphas);
    }
}
