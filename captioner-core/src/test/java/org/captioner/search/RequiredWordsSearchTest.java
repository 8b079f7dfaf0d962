package org.captioner.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Beam search with required words ({@link RequiredWords}) against exhaustive enumeration on {@link TableModel}. */
class RequiredWordsSearchTest {

    private static final int VOCAB = BeamSearchTest.VOCAB; // words 4, 5, 6

    private static boolean contains(int[] words, int[] anyOf) {
        return Arrays.stream(words).anyMatch(w -> Arrays.stream(anyOf).anyMatch(t -> t == w));
    }

    @ParameterizedTest(name = "image {0}, alpha {1}")
    @CsvSource({"0, 0.0", "1, 0.5", "2, 0.7", "3, 1.0", "4, 0.5", "5, 0.0"})
    void wideBeamFindsTheBestCaptionThatContainsTheRequiredWords(int image, double alpha) {
        SearchSettings settings = SearchSettings.of(4, alpha);
        int[] a = {6};
        int[] b = {4, 5};
        List<Hypothesis> all = BeamSearchTest.bruteForce(image, settings);
        Hypothesis bestWithBoth = all.stream().filter(h -> contains(h.words(), a) && contains(h.words(), b))
                .findFirst().orElseThrow();
        Hypothesis bestWithA = all.stream().filter(h -> contains(h.words(), a)).findFirst().orElseThrow();
        BeamSearch search = new BeamSearch(200, 1, settings);
        float[][] images = {{image}};
        Hypothesis both = search.search(new TableModel(VOCAB), images, List.of(new RequiredWords(List.of(a, b))))
                .get(0).get(0);
        Hypothesis one = search.search(new TableModel(VOCAB), images, List.of(new RequiredWords(List.of(a))))
                .get(0).get(0);
        assertArrayEquals(bestWithBoth.words(), both.words());
        assertEquals(bestWithBoth.score(), both.score(), 1e-5);
        assertArrayEquals(bestWithA.words(), one.words());
        assertEquals(bestWithA.score(), one.score(), 1e-5);
    }

    @Test
    void aRequiredWordTheModelWouldNotChooseIsWrittenInANarrowBeam() {
        // Word 6 is never among any step's two likeliest words, so a plain beam of 1 never writes it.
        PositionModel model = PositionModel.ofProbabilities(new double[][] {
            {0, 0, 0.05, 0, 0.60, 0.30, 0.05},
            {0, 0, 0.20, 0, 0.50, 0.25, 0.05},
            {0, 0, 0.60, 0, 0.20, 0.15, 0.05},
            {0, 0, 0.90, 0, 0.04, 0.04, 0.02},
        });
        SearchSettings settings = SearchSettings.of(4, 0);
        BeamSearch search = new BeamSearch(1, 1, settings);
        float[][] image = {{0}};
        int[] plain = search.search(model, image).get(0).get(0).words();
        assertTrue(Arrays.stream(plain).noneMatch(w -> w == 6), Arrays.toString(plain));
        Hypothesis required = search.search(model, image, List.of(new RequiredWords(List.of(new int[] {6}))))
                .get(0).get(0);
        assertTrue(contains(required.words(), new int[] {6}), required.toString());
        assertTrue(required.ended());
    }

    @Test
    void imagesWithoutRequiredWordsGetThePlainSearchInTheSameBatch() {
        SearchSettings settings = SearchSettings.of(5, 0.5).withBlockedTrigrams(true);
        BeamSearch search = new BeamSearch(3, 3, settings);
        float[][] images = {{3}, {8}, {11}};
        List<List<Hypothesis>> plain = search.search(new TableModel(VOCAB), images);
        List<List<Hypothesis>> mixed = search.search(new TableModel(VOCAB), images,
                List.of(RequiredWords.NONE, new RequiredWords(List.of(new int[] {6}, new int[] {5})), RequiredWords.NONE));
        assertEquals(plain.get(0), mixed.get(0));
        assertEquals(plain.get(2), mixed.get(2));
        List<Hypothesis> alone = search.search(new TableModel(VOCAB), new float[][] {images[1]},
                List.of(new RequiredWords(List.of(new int[] {6}, new int[] {5})))).get(0);
        assertEquals(alone, mixed.get(1));
        // Captions come ordered by how many required words they meet, then by score.
        int[] before = null;
        for (int k = 0; k < alone.size(); k++) {
            Hypothesis h = alone.get(k);
            int met = (contains(h.words(), new int[] {6}) ? 1 : 0) + (contains(h.words(), new int[] {5}) ? 1 : 0);
            if (before != null) {
                assertTrue(met < before[0] || met == before[0] && h.score() <= alone.get(k - 1).score(), alone.toString());
            }
            before = new int[] {met};
        }
        assertTrue(contains(alone.get(0).words(), new int[] {6}) && contains(alone.get(0).words(), new int[] {5}));
    }

    @Test
    void aRequiredWordThatIsAlsoTheBestIsWrittenAndABannedOneNever() {
        // Width 1: word 6 is the best at the first step, and required.
        PositionModel model = PositionModel.ofProbabilities(new double[][] {
            {0, 0, 0.05, 0, 0.30, 0.05, 0.60},
            {0, 0, 0.90, 0, 0.04, 0.04, 0.02},
        });
        SearchSettings settings = SearchSettings.of(2, 0);
        List<Hypothesis> found = new BeamSearch(1, 1, settings).search(model, new float[][] {{0}},
                List.of(new RequiredWords(List.of(new int[] {6})))).get(0);
        assertArrayEquals(new int[] {6}, found.get(0).words());
        // A required word the search may never write (banned) is not met, and the plain caption is returned.
        SearchSettings banning = new SearchSettings(2, 0, java.util.Set.of(0, 1, 3, 6), false);
        List<Hypothesis> banned = new BeamSearch(2, 2, banning).search(model, new float[][] {{0}},
                List.of(new RequiredWords(List.of(new int[] {6})))).get(0);
        assertEquals(2, banned.size(), banned.toString());
        assertTrue(banned.stream().noneMatch(h -> contains(h.words(), new int[] {6})));
        assertArrayEquals(new BeamSearch(2, 2, banning).search(model, new float[][] {{0}}).get(0).get(0).words(),
                banned.get(0).words());
    }

    @Test
    void oneWordCanMeetTwoRequirementsAndNBestMayExceedWhatWasFound() {
        SearchSettings settings = SearchSettings.of(2, 0);
        List<Hypothesis> all = BeamSearchTest.bruteForce(3, settings);
        Hypothesis best = all.stream().filter(h -> contains(h.words(), new int[] {5})).findFirst().orElseThrow();
        List<Hypothesis> found = new BeamSearch(50, 50, settings).search(new TableModel(VOCAB), new float[][] {{3}},
                List.of(new RequiredWords(List.of(new int[] {5}, new int[] {4, 5})))).get(0);
        assertArrayEquals(best.words(), found.get(0).words(), "5 meets both");
        assertEquals(all.size(), found.size(), "every caption of at most 2 words, none twice");
        // Ordered by how many requirements a caption meets (5: both; 4 alone: one; neither: none), then by score.
        int previousMet = 2;
        double previousScore = Double.POSITIVE_INFINITY;
        for (Hypothesis h : found) {
            int met = contains(h.words(), new int[] {5}) ? 2 : contains(h.words(), new int[] {4}) ? 1 : 0;
            assertTrue(met < previousMet || met == previousMet && h.score() <= previousScore, found.toString());
            previousMet = met;
            previousScore = h.score();
        }
        assertEquals(0, previousMet, "captions that meet nothing come last");
    }

    /** Whether each word of {@code words} is one {@code required} allows where it stands. */
    private static boolean inOrder(RequiredWords required, int[] words) {
        int met = 0;
        for (int w : words) {
            if (!required.allows(met, w)) {
                return false;
            }
            met |= required.mask(w);
        }
        return true;
    }

    @ParameterizedTest(name = "image {0}")
    @CsvSource({"0", "1", "2", "3", "4", "5"})
    void wordsHeldBackNeverWrittenOrNamedOnceAreKeptToByAWideBeam(int image) {
        SearchSettings settings = SearchSettings.of(4, 0.5);
        // 6 must be named before 4 is written, only once, and 5 never.
        RequiredWords ordered = new RequiredWords(List.of(new int[] {6}), new int[] {4}, new int[] {5}, true);
        List<Hypothesis> all = BeamSearchTest.bruteForce(image, settings);
        Hypothesis best = all.stream().filter(h -> contains(h.words(), new int[] {6}) && inOrder(ordered, h.words()))
                .findFirst().orElseThrow();
        Hypothesis found = new BeamSearch(200, 1, settings).search(new TableModel(VOCAB), new float[][] {{image}},
                List.of(ordered)).get(0).get(0);
        assertArrayEquals(best.words(), found.words());
        assertEquals(best.score(), found.score(), 1e-5);
        assertTrue(inOrder(ordered, found.words()) && !inOrder(ordered, new int[] {4, 6})
                && !inOrder(ordered, new int[] {6, 6}) && !inOrder(ordered, new int[] {6, 5}));
        assertTrue(inOrder(ordered, new int[] {6, 4, 4}), "what is held back is free once the constraint is met");
    }

    @Test
    void aWordHeldBackDoesNotMeetAConstraintBeforeItIsMet() {
        // "skiing" may name the skis' class, but it is a verb: it neither starts the caption nor is barred by once.
        RequiredWords r = new RequiredWords(List.of(new int[] {5, 6}), new int[] {6}, new int[0], true);
        assertTrue(!r.allows(0, 6) && r.allows(0, 5) && r.allows(1, 6) && !r.allows(1, 5));
        assertThrows(IllegalArgumentException.class, () -> new RequiredWords(List.of(), new int[] {4}, new int[0], false),
                "nothing to wait for");
    }

    @Test
    void rejectsTooManyOrEmptyConstraints() {
        assertThrows(IllegalArgumentException.class, () -> new RequiredWords(List.of(new int[0])));
        assertThrows(IllegalArgumentException.class, () -> new RequiredWords(
                List.of(new int[] {4}, new int[] {5}, new int[] {6}, new int[] {4, 5})));
        assertThrows(IllegalArgumentException.class, () -> new BeamSearch(2, 1, SearchSettings.of(4, 0))
                .search(new TableModel(VOCAB), new float[][] {{0}}, List.of()));
    }
}
