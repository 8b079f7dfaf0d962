package org.captioner.caption;

/**
 * A caption with its total log-probability and the (length-normalised) score it was ranked by.
 *
 * @param attention for an image's best caption from a decoder that attends to its regions, when
 *     asked for ({@link CaptionOptions#attention}): row k is where it looked (α over the regions,
 *     row-major over a square grid) for the caption's k-th word; otherwise null
 * @param match where the beam's captions were reranked ({@code --rerank}), how well the bundle's
 *     caption matcher says this one describes the photo (a cosine, -1 to 1): the order is by
 *     {@code score} plus the weight times this, among the captions that may come first; otherwise null
 */
public record ScoredCaption(String text, double logProb, double score, float[][] attention, Double match) {

    public ScoredCaption(String text, double logProb, double score) {
        this(text, logProb, score, null, null);
    }

    /** The caption with its attention maps. */
    public ScoredCaption withAttention(float[][] alphas) {
        return new ScoredCaption(text, logProb, score, alphas, match);
    }

    /** The caption with the caption matcher's judgement of it. */
    public ScoredCaption withMatch(double cosine) {
        return new ScoredCaption(text, logProb, score, attention, cosine);
    }
}
