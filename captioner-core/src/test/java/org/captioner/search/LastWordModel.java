package org.captioner.search;

/**
 * A language model for search tests whose next-word log-probabilities depend only on the last word
 * written ({@code <start>} first): no image, no other state.
 */
abstract class LastWordModel implements DecodingModel<int[]> {

    private final int vocab;

    LastWordModel(int vocab) {
        this.vocab = vocab;
    }

    /** The next word's log-probabilities after {@code last}, {@code vocabSize()} of them. */
    abstract float[] logProbs(int last);

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int[] start(float[][] features) {
        return new int[features.length];
    }

    @Override
    public Step<int[]> step(int[] state, int[] lastTokens) {
        float[][] lp = new float[lastTokens.length][];
        for (int r = 0; r < lastTokens.length; r++) {
            lp[r] = logProbs(lastTokens[r]);
        }
        return new Step<>(lp, state);
    }

    @Override
    public int[] select(int[] state, int[] rows) {
        return new int[rows.length];
    }
}
