package org.captioner.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.captioner.text.Vocabulary;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BeamSearchTest {

    static final int VOCAB = 7; // <pad> <start> <end> <unk> + 3 words

    /** Next-word log-probabilities of a test model, given the previous word and the step. */
    interface NextWords {
        float[] logProbs(int previous, int step);
    }

    /** Every caption the search could produce on {@link TableModel} image {@code image}, best first. */
    static List<Hypothesis> bruteForce(int image, SearchSettings settings) {
        return bruteForce((previous, step) -> TableModel.logProbs(image, previous, step, VOCAB), VOCAB, settings);
    }

    /** Every caption the search could produce, scored the same way, best first. */
    static List<Hypothesis> bruteForce(NextWords model, int vocab, SearchSettings settings) {
        List<Hypothesis> all = new ArrayList<>();
        enumerate(model, vocab, new int[0], 0, Vocabulary.START_ID, settings, all);
        all.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
        return all;
    }

    private static void enumerate(NextWords model, int vocab, int[] words, double logProb, int previous,
            SearchSettings s, List<Hypothesis> out) {
        if (words.length == s.maxLength()) {
            out.add(new Hypothesis(words, logProb, s.score(logProb, words.length), false));
            return;
        }
        float[] lp = model.logProbs(previous, words.length);
        out.add(new Hypothesis(words, logProb + lp[Vocabulary.END_ID],
                s.score(logProb + lp[Vocabulary.END_ID], words.length + 1), true));
        for (int w = 0; w < vocab; w++) {
            if (w == Vocabulary.END_ID || s.banned().contains(w)) {
                continue;
            }
            int[] longer = java.util.Arrays.copyOf(words, words.length + 1);
            longer[words.length] = w;
            enumerate(model, vocab, longer, logProb + lp[w], w, s, out);
        }
    }

    @ParameterizedTest(name = "image {0}, alpha {1}")
    @CsvSource({"0, 0.0", "1, 0.0", "2, 0.7", "3, 1.0", "4, 0.5"})
    void wideBeamFindsTheExactBestCaption(int image, double alpha) {
        SearchSettings settings = SearchSettings.of(4, alpha);
        List<Hypothesis> exact = bruteForce(image, settings);
        // 1 + 3 + 9 + 27 ended captions and 81 cut ones: a beam of 200 keeps them all.
        List<Hypothesis> found = new BeamSearch(200, 5, settings).search(new TableModel(VOCAB),
                new float[][] {{image}}).get(0);
        assertEquals(5, found.size());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(exact.get(i).words(), found.get(i).words(), "rank " + i);
            assertEquals(exact.get(i).score(), found.get(i).score(), 1e-5, "rank " + i);
            assertEquals(exact.get(i).ended(), found.get(i).ended());
        }
    }

    @ParameterizedTest(name = "alpha {0}")
    @ValueSource(doubles = {0.5, 1.0})
    void keepsSearchingWhenAShortCaptionFinishesFirstButALongerOneWinsAfterLengthNormalisation(double alpha) {
        // Words a, b, c are ids 4, 5, 6. "<end>" (-0.92) and "a <end>" (-1.49) finish at steps 0 and 1 among
        // the top 2, while "a a <end>" (-1.50) has the best length-normalised score: -0.86 at α = 0.5.
        PositionModel model = PositionModel.ofProbabilities(new double[][] {
            {0, 0, 0.40, 0, 0.50, 0.05, 0.05},
            {0, 0, 0.45, 0, 0.50, 0.03, 0.02},
            {0, 0, 0.90, 0, 0.06, 0.02, 0.02},
            {0, 0, 0.90, 0, 0.06, 0.02, 0.02},
        });
        SearchSettings settings = SearchSettings.of(4, alpha);
        List<Hypothesis> found = new BeamSearch(2, 2, settings).search(model, new float[][] {{0}}).get(0);
        Hypothesis exact = bruteForce((previous, step) -> model.logProbs(step), 7, settings).get(0);
        assertArrayEquals(new int[] {4, 4}, exact.words());
        assertArrayEquals(exact.words(), found.get(0).words());
        assertTrue(found.get(0).ended());
        assertEquals(exact.score(), found.get(0).score(), 1e-9);
    }

    /**
     * Narrow beams against exhaustive enumeration on random position-only models (the next-word
     * distribution depends only on the step). There the {@code width} best prefixes of each length are
     * the {@code width} best of the length before, extended, so the beam's live captions are exactly the
     * best prefixes; the best caption ending at a step is the best prefix followed by {@code <end>}, and
     * models where that is not among the step's top {@code width} expansions (where beam search may
     * legitimately miss it) are skipped. On the rest, a search that stops correctly must find the optimum.
     */
    @ParameterizedTest(name = "width {0}, alpha {1}")
    @CsvSource({"2, 0.5", "2, 1.0", "3, 0.5", "3, 1.0"})
    void narrowBeamFindsTheExhaustiveBestOnPositionOnlyModels(int width, double alpha) {
        int checked = 0;
        for (int seed = 0; seed < 600; seed++) {
            Random random = new Random(seed);
            int vocab = 4 + 3 + random.nextInt(3); // specials + 3 to 5 words
            int maxLength = 4 + random.nextInt(3);
            PositionModel model = randomPositionModel(random, vocab, maxLength);
            SearchSettings settings = SearchSettings.of(maxLength, alpha);
            if (!bestEndingAlwaysExpanded(model, width, settings)) {
                continue;
            }
            checked++;
            Hypothesis exact = bruteForce((previous, step) -> model.logProbs(step), vocab, settings).get(0);
            for (int nBest : new int[] {1, width}) {
                Hypothesis found = new BeamSearch(width, nBest, settings).search(model, new float[][] {{0}}).get(0).get(0);
                String where = "seed " + seed + ", n-best " + nBest + ": exact " + exact + ", found " + found;
                assertArrayEquals(exact.words(), found.words(), where);
                assertEquals(exact.ended(), found.ended(), where);
                assertEquals(exact.score(), found.score(), 1e-9, where);
            }
        }
        assertTrue(checked >= 100, "only " + checked + " models checked");
    }

    /**
     * Random next-word log-probabilities per step, with {@code <end>} near the likeliest word (a little
     * below or above it) and, one step in four, much likelier than any word.
     */
    static PositionModel randomPositionModel(Random random, int vocab, int maxLength) {
        float[][] table = new float[maxLength][vocab];
        for (int t = 0; t < maxLength; t++) {
            double scale = 0.3 + 3 * random.nextDouble();
            double[] logits = new double[vocab];
            double best = Double.NEGATIVE_INFINITY;
            for (int w = 0; w < vocab; w++) {
                logits[w] = scale * random.nextGaussian();
                if (w != Vocabulary.END_ID) {
                    best = Math.max(best, logits[w]);
                }
            }
            logits[Vocabulary.END_ID] = best
                    + (random.nextInt(4) == 0 ? 2 + 3 * random.nextDouble() : 2 * random.nextDouble() - 1.5);
            double max = Math.max(best, logits[Vocabulary.END_ID]);
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            for (int w = 0; w < vocab; w++) {
                table[t][w] = (float) (logits[w] - max - Math.log(sum));
            }
        }
        return new PositionModel(table);
    }

    /**
     * Whether, at every step of a position-only model, the best prefix followed by {@code <end>} is among
     * the {@code width} best one-token expansions of the {@code width} best prefixes (which, with the
     * next-word distribution independent of the prefix, are the {@code width} best of the length before,
     * extended).
     */
    static boolean bestEndingAlwaysExpanded(PositionModel model, int width, SearchSettings settings) {
        double[] best = {0};
        for (int t = 0; t < settings.maxLength(); t++) {
            float[] lp = model.logProbs(t);
            double ending = best[0] + lp[Vocabulary.END_ID];
            int above = 0;
            List<Double> longer = new ArrayList<>();
            for (double prefix : best) {
                for (int w = 0; w < lp.length; w++) {
                    if (settings.banned().contains(w)) {
                        continue;
                    }
                    if (prefix + lp[w] > ending) {
                        above++;
                    }
                    if (w != Vocabulary.END_ID) {
                        longer.add(prefix + lp[w]);
                    }
                }
            }
            if (above >= width) {
                return false;
            }
            longer.sort(Comparator.reverseOrder());
            best = longer.subList(0, Math.min(width, longer.size())).stream().mapToDouble(Double::doubleValue).toArray();
        }
        return true;
    }

    @Test
    void beamOfOneEqualsGreedy() {
        SearchSettings settings = SearchSettings.of(6, 0);
        float[][] images = {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}};
        List<Hypothesis> greedy = new GreedySearch(settings).search(new TableModel(VOCAB), images);
        List<List<Hypothesis>> beam = new BeamSearch(1, 1, settings).search(new TableModel(VOCAB), images);
        for (int i = 0; i < images.length; i++) {
            assertArrayEquals(greedy.get(i).words(), beam.get(i).get(0).words(), "image " + i);
            assertEquals(greedy.get(i).logProb(), beam.get(i).get(0).logProb(), 1e-9);
        }
    }

    @Test
    void batchedSearchEqualsOneImageAtATime() {
        SearchSettings settings = SearchSettings.of(5, 0.5);
        BeamSearch search = new BeamSearch(3, 3, settings);
        float[][] images = {{3}, {8}, {11}};
        List<List<Hypothesis>> together = search.search(new TableModel(VOCAB), images);
        for (int i = 0; i < images.length; i++) {
            List<Hypothesis> alone = search.search(new TableModel(VOCAB), new float[][] {images[i]}).get(0);
            assertEquals(alone, together.get(i));
        }
    }

    @Test
    void nBestAreSortedAndNeverContainBannedTokens() {
        SearchSettings settings = SearchSettings.of(5, 0);
        List<Hypothesis> found = new BeamSearch(4, 4, settings).search(new TableModel(VOCAB), new float[][] {{2}}).get(0);
        for (int i = 1; i < found.size(); i++) {
            assertTrue(found.get(i - 1).score() >= found.get(i).score());
        }
        for (Hypothesis h : found) {
            for (int w : h.words()) {
                assertTrue(w >= 4, "banned or special token " + w + " in " + h);
            }
        }
    }

    @Test
    void samplingIsSeededAndRespectsTheLengthLimit() {
        SearchSettings settings = SearchSettings.of(6, 0);
        List<List<Hypothesis>> a = new SamplingSearch(settings, 1.0, 42).search(new TableModel(VOCAB), new float[][] {{1}}, 5);
        List<List<Hypothesis>> b = new SamplingSearch(settings, 1.0, 42).search(new TableModel(VOCAB), new float[][] {{1}}, 5);
        assertEquals(a, b);
        a.get(0).forEach(h -> assertTrue(h.words().length <= 6));
        // A very low temperature is greedy.
        List<Hypothesis> cold = new SamplingSearch(settings, 1e-4, 7).search(new TableModel(VOCAB), new float[][] {{1}}, 1).get(0);
        List<Hypothesis> greedy = new GreedySearch(settings).search(new TableModel(VOCAB), new float[][] {{1}});
        assertArrayEquals(greedy.get(0).words(), cold.get(0).words());
    }

    @Test
    void rejectsInvalidSettings() {
        assertThrows(IllegalArgumentException.class, () -> new BeamSearch(0, 1, SearchSettings.of(5, 0)));
        assertThrows(IllegalArgumentException.class, () -> new BeamSearch(2, 3, SearchSettings.of(5, 0)));
        assertThrows(IllegalArgumentException.class, () -> SearchSettings.of(0, 0));
    }
}
