package org.captioner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import org.captioner.search.BeamSearch;
import org.captioner.search.GreedySearch;
import org.captioner.search.Hypothesis;
import org.captioner.search.SearchSettings;
import org.junit.jupiter.api.Test;

class AttentionDecoderTest {

    private static final DecoderConfig CONFIG = new DecoderConfig(12, 6, 5, 7, 1, 0.3);

    @Test
    void stepByStepLogitsAndAttentionEqualTheFullSequence() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(3);
            AttentionDecoder decoder = new AttentionDecoder(CONFIG, 4);
            decoder.initialize(m, 9);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray regions = m.randomNormal(new Shape(2, 9, 6));
            NDArray tokens = m.create(new long[] {1, 5, 7, 9, 1, 4, 4, 11}, new Shape(2, 4));
            NDList full = decoder.forward(ps, new NDList(regions, tokens), false);
            assertArrayEquals(new long[] {2, 4, 12}, full.get(0).getShape().getShape());
            assertArrayEquals(new long[] {2, 4, 9}, full.get(1).getShape().getShape());
            NDList state = decoder.initialState(ps, regions, false);
            NDArray keys = decoder.keys(ps, regions, false);
            NDArray h = state.get(0);
            NDArray c = state.get(1);
            for (int t = 0; t < 4; t++) {
                NDList out = decoder.step(ps, tokens.get(":, " + t), h, c, regions, keys);
                assertArrayEquals(full.get(0).get(":, " + t + ", :").toFloatArray(), out.get(0).toFloatArray(), 1e-5f);
                assertArrayEquals(full.get(1).get(":, " + t + ", :").toFloatArray(), out.get(3).toFloatArray(), 1e-6f);
                h = out.get(1);
                c = out.get(2);
            }
        }
    }

    @Test
    void eachWordsAttentionIsTheOneItsDecodingStepComputed() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(5);
            AttentionDecoder decoder = new AttentionDecoder(CONFIG, 4);
            decoder.initialize(m, 9);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray regions = m.randomNormal(new Shape(1, 9, 6));
            float[] grid = regions.toFloatArray();
            int[] words = {5, 7, 9};
            float[][] alphas = decoder.attention(m, grid, words);
            assertEquals(3, alphas.length);
            // Word k is written at the step fed word k-1 (<start> for the first).
            NDList state = decoder.initialState(ps, regions, false);
            NDArray keys = decoder.keys(ps, regions, false);
            NDArray h = state.get(0);
            NDArray c = state.get(1);
            long[] fed = {org.captioner.text.Vocabulary.START_ID, 5, 7};
            for (int k = 0; k < 3; k++) {
                NDList out = decoder.step(ps, m.create(new long[] {fed[k]}), h, c, regions, keys);
                assertArrayEquals(out.get(3).toFloatArray(), alphas[k], 1e-6f);
                h = out.get(1);
                c = out.get(2);
            }
            assertEquals(0, decoder.attention(m, grid, new int[0]).length);
            assertThrows(IllegalArgumentException.class, () -> decoder.attention(m, new float[10], words));
        }
    }

    /**
     * The engine array a search makes from Java floats lives in a direct buffer that only its own
     * array object keeps alive; a state that kept a reshaped view of it read freed memory once the
     * first step had closed that array and the collector had run (a SIGSEGV in self-critical
     * training, where no beam gather copies the grid). The state must own its grid.
     */
    @Test
    void aSearchStateKeepsItsGridAfterTheArraysItWasMadeFromAreCollected() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(6);
            AttentionDecoder decoder = new AttentionDecoder(CONFIG, 4);
            decoder.initialize(m, 9);
            float[][] grids = new float[2][];
            java.util.Random random = new java.util.Random(1);
            for (int i = 0; i < 2; i++) {
                grids[i] = new float[9 * 6];
                for (int j = 0; j < grids[i].length; j++) {
                    grids[i][j] = (float) random.nextGaussian();
                }
            }
            int[][] words = {{5, 7, 9, 3}, {4, 4, 11, 8}};
            float[][] expected = new float[2][];
            for (int i = 0; i < 2; i++) {
                // Teacher forcing on a fresh array: the log-probabilities of the last word.
                NDArray regions = m.create(grids[i], new Shape(1, 9, 6));
                long[] fed = {org.captioner.text.Vocabulary.START_ID, words[i][0], words[i][1], words[i][2]};
                NDArray logits = decoder.forward(new ParameterStore(m, false),
                        new NDList(regions, m.create(fed, new Shape(1, 4))), false).get(0);
                expected[i] = logits.get("0, 3, :").logSoftmax(0).toFloatArray();
            }
            AttentionSearchModel search = new AttentionSearchModel(decoder, m);
            AttentionSearchModel.State state = search.start(grids);
            for (int t = 0; t < 4; t++) {
                if (t == 1) {
                    // The start's arrays are closed by now: let their buffers be freed and reused.
                    for (int round = 0; round < 5; round++) {
                        System.gc();
                        Thread.sleep(20);
                        for (int k = 0; k < 2000; k++) {
                            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(2 * 9 * 6 * 4);
                            while (b.hasRemaining()) {
                                b.putFloat(1e30f);
                            }
                        }
                    }
                }
                DecodingModelStep step = new DecodingModelStep(search.step(state, new int[] {
                    t == 0 ? org.captioner.text.Vocabulary.START_ID : words[0][t - 1],
                    t == 0 ? org.captioner.text.Vocabulary.START_ID : words[1][t - 1]}));
                state = step.state;
                if (t == 3) {
                    assertArrayEquals(expected[0], step.logProbs[0], 1e-4f);
                    assertArrayEquals(expected[1], step.logProbs[1], 1e-4f);
                }
            }
            search.release(state);
        }
    }

    private static final class DecodingModelStep {
        final AttentionSearchModel.State state;
        final float[][] logProbs;

        DecodingModelStep(org.captioner.search.DecodingModel.Step<AttentionSearchModel.State> step) {
            this.state = step.state();
            this.logProbs = step.logProbs();
        }
    }

    @Test
    void attentionIsADistributionOverRegionsThatDependsOnTheImage() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(4);
            AttentionDecoder decoder = new AttentionDecoder(CONFIG, 4);
            decoder.initialize(m, 9);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray regions = m.randomNormal(new Shape(2, 9, 6));
            NDArray tokens = m.create(new long[] {1, 5, 7, 1, 5, 7}, new Shape(2, 3));
            NDArray alpha = decoder.forward(ps, new NDList(regions, tokens), false).get(1);
            float[] sums = alpha.sum(new int[] {2}).toFloatArray();
            for (float s : sums) {
                assertEquals(1f, s, 1e-5f);
            }
            assertTrue(alpha.min().getFloat() >= 0f);
            // The same words over two different grids attend differently.
            float[] first = alpha.get("0, 0, :").toFloatArray();
            float[] second = alpha.get("1, 0, :").toFloatArray();
            assertTrue(maxDifference(first, second) > 1e-4, "attention ignores the image");
        }
    }

    @Test
    void theDoublyStochasticPenaltyIsZeroWhenEachRegionIsSeenOnceAndIgnoresPadding() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // Two steps over two regions, each looked at once in total: no penalty.
            NDArray once = m.create(new float[] {1, 0, 0, 1}, new Shape(1, 2, 2));
            NDArray bothReal = m.create(new float[] {1, 1}, new Shape(1, 2));
            assertEquals(0f, AttentionDecoder.doublyStochasticPenalty(once, bothReal).getFloat(), 1e-6f);
            // The second step is padding: region 2 is never seen, region 1 once: ((1-1)^2 + (1-0)^2) / 2.
            NDArray firstReal = m.create(new float[] {1, 0}, new Shape(1, 2));
            assertEquals(0.5f, AttentionDecoder.doublyStochasticPenalty(once, firstReal).getFloat(), 1e-6f);
            // Always the first region: ((1-2)^2 + (1-0)^2) / 2.
            NDArray stuck = m.create(new float[] {1, 0, 1, 0}, new Shape(1, 2, 2));
            assertEquals(1f, AttentionDecoder.doublyStochasticPenalty(stuck, bothReal).getFloat(), 1e-6f);
        }
    }

    @Test
    void gradientStepsLowerTheLossOfACaptionThatDependsOnTheGrid() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(6);
            AttentionDecoder decoder = new AttentionDecoder(new DecoderConfig(12, 6, 5, 7, 1, 0), 4);
            decoder.initialize(m, 9);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray regions = m.randomNormal(new Shape(2, 9, 6));
            NDArray inputs = m.create(new long[] {1, 5, 7, 1, 8, 9}, new Shape(2, 3));
            NDArray targets = m.create(new long[] {5, 7, 2, 8, 9, 2}, new Shape(2, 3));
            float first = 0;
            float last = 0;
            for (int step = 0; step < 80; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDList out = decoder.forward(ps, new NDList(regions, inputs), true);
                    NDArray nll = out.get(0).logSoftmax(2).gather(targets.expandDims(2), 2).neg().mean();
                    NDArray loss = nll.add(AttentionDecoder.doublyStochasticPenalty(out.get(1),
                            m.ones(new Shape(2, 3))).mul(0.01f));
                    gc.backward(loss);
                    last = nll.getFloat();
                    if (step == 0) {
                        first = last;
                    }
                }
                for (Pair<String, Parameter> p : decoder.getParameters()) {
                    NDArray w = p.getValue().getArray();
                    NDArray g = w.getGradient();
                    w.subi(g.mul(0.5f));
                    g.subi(g);
                }
            }
            assertTrue(last < first / 3, "loss " + first + " -> " + last);
        }
    }

    @Test
    void engineRankingEqualsJavaRankingAndNeverReturnsBannedWords() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(3);
            AttentionDecoder decoder = new AttentionDecoder(new DecoderConfig(15, 6, 5, 9, 1, 0), 4);
            decoder.initialize(m, 9);
            float[][] grids = new float[4][9 * 6];
            for (int i = 0; i < grids.length; i++) {
                for (int j = 0; j < grids[i].length; j++) {
                    grids[i][j] = (float) Math.cos(i * 3 + j * 0.3);
                }
            }
            JavaRanked.assertRanksAsInJava(new AttentionSearchModel(decoder, m), grids, new int[] {1, 1, 1, 1}, 5,
                    java.util.Set.of(0, 1, 3));
        }
    }

    @Test
    void searchesRunOnGridsAndBeamOfOneEqualsGreedy() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(8);
            AttentionDecoder decoder = new AttentionDecoder(new DecoderConfig(15, 6, 5, 9, 1, 0), 4);
            decoder.initialize(m, 9);
            float[][] grids = new float[3][9 * 6];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < grids[i].length; j++) {
                    grids[i][j] = (float) Math.sin(i * 5 + j * 0.7);
                }
            }
            SearchSettings s = SearchSettings.of(8, 0);
            List<List<Hypothesis>> wide = new BeamSearch(4, 2, s).search(new AttentionSearchModel(decoder, m), grids);
            for (int i = 0; i < 3; i++) {
                // One image at a time: the same rows in every product on both sides, so that a near-tie
                // between two words cannot fall differently through float rounding.
                float[][] one = {grids[i]};
                Hypothesis greedyOne = new GreedySearch(s).search(new AttentionSearchModel(decoder, m), one).get(0);
                Hypothesis beamOne = new BeamSearch(1, 1, s).search(new AttentionSearchModel(decoder, m), one).get(0).get(0);
                assertArrayEquals(greedyOne.words(), beamOne.words());
                assertEquals(greedyOne.logProb(), beamOne.logProb(), 1e-4);
                Hypothesis greedy = greedyOne;
                assertEquals(2, wide.get(i).size());
                assertTrue(wide.get(i).get(0).score() >= greedy.score() - 1e-4);
                // The caption's log-probability is what teacher forcing gives its words.
                int[] words = wide.get(i).get(0).words();
                long[] input = new long[words.length + 1];
                input[0] = 1; // <start>
                for (int t = 0; t < words.length; t++) {
                    input[t + 1] = words[t];
                }
                NDArray grid = m.create(grids[i], new Shape(1, 9, 6));
                NDArray logProbs = decoder.forward(new ParameterStore(m, false),
                        new NDList(grid, m.create(input, new Shape(1, input.length))), false).get(0).logSoftmax(2);
                double total = 0;
                for (int t = 0; t < words.length; t++) {
                    total += logProbs.getFloat(0, t, words[t]);
                }
                if (wide.get(i).get(0).ended()) {
                    total += logProbs.getFloat(0, words.length, 2); // <end>
                }
                assertEquals(total, wide.get(i).get(0).logProb(), 1e-3, "image " + i);
            }
        }
    }

    @Test
    void aPooledVectorIsNotAGrid() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            AttentionDecoder decoder = new AttentionDecoder(CONFIG, 4);
            decoder.initialize(m, 9);
            assertThrows(IllegalArgumentException.class,
                    () -> new AttentionSearchModel(decoder, m).start(new float[][] {new float[6]}));
        }
    }

    @Test
    void oneLayerOnly() {
        assertThrows(IllegalArgumentException.class, () -> new AttentionDecoder(CONFIG.withSizes(5, 7, 2, 0.3), 4));
    }

    private static double maxDifference(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
