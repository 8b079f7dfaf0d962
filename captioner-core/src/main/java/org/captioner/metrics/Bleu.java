package org.captioner.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU-1..4 as the COCO caption evaluation computes it: clipped n-gram counts summed over
 * the corpus, brevity penalty from the reference length closest to each candidate's, and the
 * same tiny smoothing constants.
 */
public final class Bleu {

    private static final int N = 4;
    private static final double TINY = 1e-15;
    private static final double SMALL = 1e-9;

    private long testLength;
    private long refLength;
    private final long[] guess = new long[N];
    private final long[] correct = new long[N];

    /** Adds one image: its tokenised candidate and tokenised references. */
    public void add(String candidate, List<String> references) {
        Map<String, Integer> maxRefCounts = new HashMap<>();
        int[] refLengths = new int[references.size()];
        for (int r = 0; r < references.size(); r++) {
            List<String> words = NGrams.words(references.get(r));
            refLengths[r] = words.size();
            NGrams.count(words, N).forEach((g, c) -> maxRefCounts.merge(g, c, Math::max));
        }
        List<String> words = NGrams.words(candidate);
        int length = words.size();
        testLength += length;
        refLength += closest(refLengths, length);
        for (int k = 1; k <= N; k++) {
            guess[k - 1] += Math.max(0, length - k + 1);
        }
        NGrams.count(words, N).forEach((g, c) ->
                correct[NGrams.order(g) - 1] += Math.min(maxRefCounts.getOrDefault(g, 0), c));
    }

    /** Python's {@code min((abs(l - testlen), l) for l in reflens)[1]}: ties go to the shorter. */
    private static int closest(int[] lengths, int testLength) {
        int best = lengths[0];
        for (int l : lengths) {
            int d = Math.abs(l - testLength);
            int bd = Math.abs(best - testLength);
            if (d < bd || (d == bd && l < best)) {
                best = l;
            }
        }
        return best;
    }

    /** BLEU-1..4. */
    public double[] scores() {
        double[] bleus = new double[N];
        double product = 1;
        for (int k = 0; k < N; k++) {
            product *= (correct[k] + TINY) / (guess[k] + SMALL);
            bleus[k] = Math.pow(product, 1.0 / (k + 1));
        }
        double ratio = (testLength + TINY) / (refLength + SMALL);
        if (ratio < 1) {
            for (int k = 0; k < N; k++) {
                bleus[k] *= Math.exp(1 - 1 / ratio);
            }
        }
        return bleus;
    }
}
