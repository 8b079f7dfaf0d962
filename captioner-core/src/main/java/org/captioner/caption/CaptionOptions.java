package org.captioner.caption;

import org.captioner.bundle.SearchDefaults;
import org.captioner.objects.Grounding;

/**
 * How to search for captions.
 *
 * @param beam beam width; 1 is greedy and fastest
 * @param nBest captions returned per image (at most the beam width)
 * @param maxLength most words per caption
 * @param lengthPenalty α in score = logProb / length^α; 0 ranks by raw log-probability
 * @param temperature when positive, sample captions at this temperature instead of beam search
 * @param seed random seed for sampling
 * @param batchSize images per encoder and decoder call
 * @param grounding how object words are held to what the encoder sees; null for the bundle's
 *     own choice, {@link Grounding.Settings#OFF} for the language model alone
 * @param attention whether each image's best caption carries where an attending decoder looked
 *     for each word ({@link ScoredCaption#attention}); ignored by decoders that see one pooled vector
 * @param rerank the weight with which a bundle's caption matcher reranks the beam's captions
 *     ({@link Captioner#rerankWeight}); null for the bundle's own choice, 0 for the search's order
 */
public record CaptionOptions(int beam, int nBest, int maxLength, double lengthPenalty, double temperature,
        long seed, int batchSize, Grounding.Settings grounding, boolean attention, Double rerank) {

    /** With the bundle's reranking. */
    public CaptionOptions(int beam, int nBest, int maxLength, double lengthPenalty, double temperature, long seed,
            int batchSize, Grounding.Settings grounding, boolean attention) {
        this(beam, nBest, maxLength, lengthPenalty, temperature, seed, batchSize, grounding, attention, null);
    }

    /** Without attention maps. */
    public CaptionOptions(int beam, int nBest, int maxLength, double lengthPenalty, double temperature, long seed,
            int batchSize, Grounding.Settings grounding) {
        this(beam, nBest, maxLength, lengthPenalty, temperature, seed, batchSize, grounding, false);
    }

    /** With the bundle's grounding. */
    public CaptionOptions(int beam, int nBest, int maxLength, double lengthPenalty, double temperature, long seed,
            int batchSize) {
        this(beam, nBest, maxLength, lengthPenalty, temperature, seed, batchSize, null);
    }

    public CaptionOptions {
        if (beam < 1 || beam > 100) {
            throw new IllegalArgumentException("beam must be between 1 and 100, got " + beam);
        }
        if (nBest < 1 || (temperature <= 0 && nBest > beam)) {
            throw new IllegalArgumentException("n-best must be between 1 and the beam width " + beam + ", got " + nBest);
        }
        if (maxLength < 1 || maxLength > 200) {
            throw new IllegalArgumentException("max length must be between 1 and 200, got " + maxLength);
        }
        if (lengthPenalty < 0 || lengthPenalty > 2) {
            throw new IllegalArgumentException("length penalty must be between 0 and 2, got " + lengthPenalty);
        }
        if (temperature < 0) {
            throw new IllegalArgumentException("temperature must not be negative");
        }
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batch size must be between 1 and 1024, got " + batchSize);
        }
        if (rerank != null && !(rerank >= 0 && rerank <= 100)) {
            throw new IllegalArgumentException("rerank weight must be between 0 and 100, got " + rerank);
        }
    }

    /**
     * The bundle's own preferred search, one caption per image, batches of 32 (searching 32 images
     * together amortises per-step overhead: ~40 vs ~30 images/s at 8 on our 2-core machine).
     */
    public static CaptionOptions from(SearchDefaults d) {
        return new CaptionOptions(d.beam(), 1, d.maxLength(), d.lengthPenalty(), 0, 0, 32);
    }

    public CaptionOptions withBeam(int b) {
        return new CaptionOptions(b, Math.min(nBest, b), maxLength, lengthPenalty, temperature, seed, batchSize, grounding, attention, rerank);
    }

    public CaptionOptions withNBest(int n) {
        return new CaptionOptions(beam, n, maxLength, lengthPenalty, temperature, seed, batchSize, grounding, attention, rerank);
    }

    public CaptionOptions withBatchSize(int b) {
        return new CaptionOptions(beam, nBest, maxLength, lengthPenalty, temperature, seed, b, grounding, attention, rerank);
    }

    public CaptionOptions withGrounding(Grounding.Settings g) {
        return new CaptionOptions(beam, nBest, maxLength, lengthPenalty, temperature, seed, batchSize, g, attention, rerank);
    }

    /** @param w the rerank weight, 0 for none, null for the bundle's */
    public CaptionOptions withRerank(Double w) {
        return new CaptionOptions(beam, nBest, maxLength, lengthPenalty, temperature, seed, batchSize, grounding, attention, w);
    }

    /**
     * A rerank weight as the command lines take it: "on" is null (the bundle's own weight), "off" 0,
     * else a number from 0 to 100.
     *
     * @throws IllegalArgumentException for anything else, with a message for the user
     */
    public static Double parseRerank(String value) {
        String v = value.strip();
        if (v.equals("on")) {
            return null;
        }
        if (v.equals("off")) {
            return 0.0;
        }
        try {
            double w = Double.parseDouble(v);
            if (w >= 0 && w <= 100) {
                return w;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--rerank must be on, off or a weight between 0 and 100, got '" + v + "'");
    }

    public CaptionOptions withAttention(boolean a) {
        return new CaptionOptions(beam, nBest, maxLength, lengthPenalty, temperature, seed, batchSize, grounding, a, rerank);
    }
}
