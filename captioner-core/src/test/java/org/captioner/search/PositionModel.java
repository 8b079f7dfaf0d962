package org.captioner.search;

import java.util.Arrays;

/**
 * A test model whose next-word log-probabilities depend only on the position: row {@code t} of the
 * table is used for the word at step {@code t}, whatever came before. The state per row is its step.
 */
final class PositionModel implements DecodingModel<int[]> {

    final float[][] table;

    PositionModel(float[][] table) {
        this.table = table;
    }

    /** A table from probabilities (each row is normalised here); zero becomes a very unlikely word. */
    static PositionModel ofProbabilities(double[][] probabilities) {
        float[][] table = new float[probabilities.length][];
        for (int t = 0; t < probabilities.length; t++) {
            double sum = Arrays.stream(probabilities[t]).sum();
            table[t] = new float[probabilities[t].length];
            for (int w = 0; w < table[t].length; w++) {
                table[t][w] = (float) Math.log(Math.max(probabilities[t][w] / sum, 1e-30));
            }
        }
        return new PositionModel(table);
    }

    float[] logProbs(int step) {
        return table[step];
    }

    @Override
    public int vocabSize() {
        return table[0].length;
    }

    @Override
    public int[] start(float[][] features) {
        return new int[features.length];
    }

    @Override
    public Step<int[]> step(int[] state, int[] lastTokens) {
        float[][] lp = new float[state.length][];
        int[] next = new int[state.length];
        for (int r = 0; r < state.length; r++) {
            lp[r] = table[state[r]].clone();
            next[r] = state[r] + 1;
        }
        return new Step<>(lp, next);
    }

    @Override
    public int[] select(int[] state, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = state[rows[i]];
        }
        return out;
    }
}
