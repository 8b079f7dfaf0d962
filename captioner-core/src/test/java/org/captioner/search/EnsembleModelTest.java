package org.captioner.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleModelTest {

    @Test
    void anEnsembleOfOneIsTheModelItself() {
        SearchSettings s = SearchSettings.of(5, 0);
        float[][] images = {{1}, {4}};
        List<List<Hypothesis>> alone = new BeamSearch(3, 2, s).search(new TableModel(7), images);
        List<List<Hypothesis>> ensemble = new BeamSearch(3, 2, s).search(new EnsembleModel(List.of(new TableModel(7))), images);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(alone.get(i).get(0).words(), ensemble.get(i).get(0).words());
            assertEquals(alone.get(i).get(0).logProb(), ensemble.get(i).get(0).logProb(), 1e-5);
        }
    }

    @Test
    void stepsAreNormalisedDistributions() {
        EnsembleModel m = new EnsembleModel(List.of(new TableModel(7), new ShiftedModel()));
        var step = m.step(m.start(new float[][] {{2}}), new int[] {1});
        double total = 0;
        for (float lp : step.logProbs()[0]) {
            total += Math.exp(lp);
        }
        assertEquals(1.0, total, 1e-5);
    }

    @Test
    void membersMustShareAVocabulary() {
        assertThrows(IllegalArgumentException.class, () -> new EnsembleModel(List.of(new TableModel(7), new TableModel(8))));
    }

    /** The table model seen from another image, so the two members disagree. */
    static final class ShiftedModel implements DecodingModel<int[][]> {
        final TableModel inner = new TableModel(7);

        @Override
        public int vocabSize() {
            return 7;
        }

        @Override
        public int[][] start(float[][] features) {
            float[][] shifted = new float[features.length][];
            for (int i = 0; i < features.length; i++) {
                shifted[i] = new float[] {features[i][0] + 5};
            }
            return inner.start(shifted);
        }

        @Override
        public Step<int[][]> step(int[][] state, int[] lastTokens) {
            return inner.step(state, lastTokens);
        }

        @Override
        public int[][] select(int[][] state, int[] rows) {
            return inner.select(state, rows);
        }
    }
}
