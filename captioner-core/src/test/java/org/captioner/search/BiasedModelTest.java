package org.captioner.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BiasedModelTest {

    /**
     * Ranking on the wrapped model's device with penalties applied to its best k + p words gives
     * exactly the ranking of the fully penalised rows (what the interface's default computes).
     */
    @Test
    void topWordsEqualThoseOfTheFullyPenalisedRows() {
        Random random = new Random(4);
        for (int trial = 0; trial < 200; trial++) {
            int vocab = 12;
            float[][] rows = new float[3][vocab];
            for (float[] row : rows) {
                for (int w = 0; w < vocab; w++) {
                    row[w] = (float) -random.nextDouble() * 5;
                }
            }
            int[] words = {4, 7, 9};
            float[][] perImage = new float[2][3];
            for (float[] p : perImage) {
                for (int j = 0; j < 3; j++) {
                    p[j] = random.nextBoolean() ? 0 : (float) -random.nextDouble() * 6;
                }
            }
            DecodingModel<int[]> table = new FixedRows(rows);
            BiasedModel<int[]> penalised = new BiasedModel<>(table, new WordBiases(words, perImage));
            var start = penalised.start(new float[2][1]);
            var three = penalised.select(start, new int[] {0, 1, 1});
            Set<Integer> banned = Set.of(0, 1, 3);
            var fast = penalised.stepTop(three, new int[] {1, 1, 1}, 4, banned);
            // The interface's default: full rows (penalised by step), ranked in Java.
            DecodingModel<BiasedModel.State<int[]>> slow = new DecodingModel<>() {
                public int vocabSize() {
                    return vocab;
                }

                public BiasedModel.State<int[]> start(float[][] f) {
                    return penalised.start(f);
                }

                public Step<BiasedModel.State<int[]>> step(BiasedModel.State<int[]> s, int[] t) {
                    return penalised.step(s, t);
                }

                public BiasedModel.State<int[]> select(BiasedModel.State<int[]> s, int[] r) {
                    return penalised.select(s, r);
                }
            };
            var reference = slow.stepTop(three, new int[] {1, 1, 1}, 4, banned);
            // With required words' columns: the same top words, and each column penalised as its word.
            int[] also = {9, 2, 4};
            var withColumns = penalised.stepTop(three, new int[] {1, 1, 1}, 4, banned, also);
            var referenceColumns = slow.stepTop(three, new int[] {1, 1, 1}, 4, banned, also);
            for (int r = 0; r < 3; r++) {
                assertArrayEquals(reference.words()[r], fast.words()[r], "trial " + trial + ", row " + r);
                assertArrayEquals(reference.logProbs()[r], fast.logProbs()[r], 1e-6f);
                assertArrayEquals(reference.words()[r], withColumns.words()[r]);
                assertArrayEquals(referenceColumns.also()[r], withColumns.also()[r], 1e-6f);
            }
            assertEquals(List.of(0, 1, 1), List.of(fast.state().rowImage()[0], fast.state().rowImage()[1],
                    fast.state().rowImage()[2]));
        }
    }

    @Test
    void aBonusLiftsAWordFromAnywhereButIsPaidOncePerCaption() {
        float[][] rows = {{-9, -9, -1, -9, -2, -3, -20, -4}};
        DecodingModel<int[]> table = new FixedRows(rows);
        BiasedModel<int[]> biased = new BiasedModel<>(table, new WordBiases(new int[] {6}, new float[][] {{19.5f}}));
        assertEquals(false, biased.neverRaisesLogProb(), "a bonus can raise a caption's log-probability");
        Set<Integer> banned = Set.of(0, 1, 3);
        var first = biased.stepTop(biased.start(new float[1][1]), new int[] {1}, 2, banned);
        assertArrayEquals(new int[] {6, 2}, first.words()[0], "word 6 (-20 + 19.5) now ranks first");
        assertEquals(-0.5f, first.logProbs()[0][0], 1e-6f);
        var second = biased.stepTop(first.state(), new int[] {6}, 2, banned);
        assertArrayEquals(new int[] {2, 4}, second.words()[0], "once in the caption, word 6 earns no more");
        assertEquals(true, new BiasedModel<>(table, new WordBiases(new int[] {6}, new float[][] {{-1f}}))
                .neverRaisesLogProb());
    }

    @Test
    void wordsOfOneGroupShareOneBonus() {
        float[][] rows = {{-9, -9, -5, -9, -6, -2, -7, -4}};
        // Words 2 and 4 name one thing ("dog", "dogs"); word 6 another.
        WordBiases biases = new WordBiases(new int[] {2, 4, 6}, new int[] {0, 0, 1}, new float[][] {{4f, 4f, 4f}});
        BiasedModel<int[]> biased = new BiasedModel<>(new FixedRows(rows), biases);
        Set<Integer> banned = Set.of(0, 1, 3);
        var first = biased.stepTop(biased.start(new float[1][1]), new int[] {1}, 3, banned);
        assertArrayEquals(new int[] {2, 4, 5}, first.words()[0], "-1, -2, -2: both words of group 0 earn it");
        var kept = biased.select(first.state(), new int[] {0});
        var second = biased.stepTop(kept, new int[] {2}, 3, banned);
        assertArrayEquals(new int[] {5, 6, 7}, second.words()[0], "after word 2, word 4 earns nothing; word 6 still does");
        assertEquals(-3f, second.logProbs()[0][1], 1e-6f);
    }

    /** Row r of every step is {@code rows[r]} (the state is just the rows' indices). */
    private record FixedRows(float[][] rows) implements DecodingModel<int[]> {
        public int vocabSize() {
            return rows[0].length;
        }

        public int[] start(float[][] features) {
            int[] s = new int[features.length];
            java.util.Arrays.setAll(s, i -> i);
            return s;
        }

        public Step<int[]> step(int[] state, int[] last) {
            float[][] out = new float[state.length][];
            for (int r = 0; r < state.length; r++) {
                out[r] = rows[r].clone();
            }
            return new Step<>(out, state);
        }

        public int[] select(int[] state, int[] rows) {
            int[] s = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                s[i] = state[rows[i]];
            }
            return s;
        }
    }

    @Test
    void biasesJoinWithTheirGroupsApartAndAWordBiasedTwiceKeepsTheFirst() {
        WordBiases objects = new WordBiases(new int[] {4, 5}, new int[] {0, 0}, new float[][] {{-1f, -1f}, {2f, 2f}});
        WordBiases colours = new WordBiases(new int[] {6}, new float[][] {{-30f}, {0f}});
        WordBiases both = objects.with(colours);
        assertArrayEquals(new int[] {4, 5, 6}, both.words());
        assertArrayEquals(new int[] {0, 0, 1}, both.groups());
        assertArrayEquals(new float[] {2f, 2f, 0f}, both.perImage()[1]);
        WordBiases again = objects.with(new WordBiases(new int[] {5, 7}, new float[][] {{-30f, -3f}, {-30f, 0f}}));
        assertArrayEquals(new int[] {4, 5, 7}, again.words());
        assertArrayEquals(new float[] {-1f, -1f, -3f}, again.perImage()[0], "word 5 keeps its first bias");
        assertThrows(IllegalArgumentException.class, () -> objects.with(new WordBiases(new int[] {6}, new float[][] {{0f}})));
        // The search applies the joined biases: word 6 ruled out for photo 0, word 4 penalised.
        float[][] image = {{0f}, {0f}};
        BiasedModel<int[]> biased = new BiasedModel<>(new LastWordModel(8) {
            @Override
            float[] logProbs(int last) {
                float[] row = new float[vocabSize()];
                java.util.Arrays.fill(row, (float) Math.log(1.0 / vocabSize()));
                return row;
            }
        }, both);
        var step = biased.step(biased.start(image), new int[] {org.captioner.text.Vocabulary.START_ID,
                org.captioner.text.Vocabulary.START_ID});
        float base = (float) Math.log(1.0 / 8);
        assertEquals(base - 30f, step.logProbs()[0][6], 1e-5);
        assertEquals(base - 1f, step.logProbs()[0][4], 1e-5);
        assertEquals(base, step.logProbs()[1][6], 1e-5);
    }
}
