package org.captioner.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.captioner.text.Vocabulary;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BeamSearchTest {

    static final int VOCAB = 7; // <pad> <start> <end> <unk> + 3 words

    /** Every caption the search could produce, scored the same way, best first. */
    static List<Hypothesis> bruteForce(int image, SearchSettings settings) {
        List<Hypothesis> all = new ArrayList<>();
        enumerate(image, new int[0], 0, Vocabulary.START_ID, settings, all);
        all.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
        return all;
    }

    private static void enumerate(int image, int[] words, double logProb, int previous, SearchSettings s,
            List<Hypothesis> out) {
        if (words.length == s.maxLength()) {
            out.add(new Hypothesis(words, logProb, s.score(logProb, words.length), false));
            return;
        }
        float[] lp = TableModel.logProbs(image, previous, words.length, VOCAB);
        out.add(new Hypothesis(words, logProb + lp[Vocabulary.END_ID],
                s.score(logProb + lp[Vocabulary.END_ID], words.length + 1), true));
        for (int w = 0; w < VOCAB; w++) {
            if (w == Vocabulary.END_ID || s.banned().contains(w)) {
                continue;
            }
            int[] longer = java.util.Arrays.copyOf(words, words.length + 1);
            longer[words.length] = w;
            enumerate(image, longer, logProb + lp[w], w, s, out);
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
