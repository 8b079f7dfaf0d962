package org.captioner.search;

/**
 * A tiny fixed language model for search tests: next-word log-probabilities are a deterministic
 * function of (image, previous word, step). The state per row is (image, step).
 */
final class TableModel implements DecodingModel<int[][]> {

    final int vocab;

    TableModel(int vocab) {
        this.vocab = vocab;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int[][] start(float[][] features) {
        int[][] s = new int[features.length][];
        for (int i = 0; i < features.length; i++) {
            s[i] = new int[] {(int) features[i][0], 0};
        }
        return s;
    }

    static float[] logProbs(int image, int previous, int step, int vocab) {
        double[] logits = new double[vocab];
        double max = Double.NEGATIVE_INFINITY;
        for (int w = 0; w < vocab; w++) {
            logits[w] = 2.5 * Math.sin(image * 13.1 + previous * 7.3 + step * 3.7 + w * 1.9);
            max = Math.max(max, logits[w]);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        float[] out = new float[vocab];
        for (int w = 0; w < vocab; w++) {
            out[w] = (float) (logits[w] - max - Math.log(sum));
        }
        return out;
    }

    @Override
    public Step<int[][]> step(int[][] state, int[] lastTokens) {
        float[][] lp = new float[state.length][];
        int[][] next = new int[state.length][];
        for (int r = 0; r < state.length; r++) {
            lp[r] = logProbs(state[r][0], lastTokens[r], state[r][1], vocab);
            next[r] = new int[] {state[r][0], state[r][1] + 1};
        }
        return new Step<>(lp, next);
    }

    @Override
    public int[][] select(int[][] state, int[] rows) {
        int[][] out = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = state[rows[i]].clone();
        }
        return out;
    }
}
