package org.captioner.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.captioner.text.Vocabulary;
import org.junit.jupiter.api.Test;

class TrigramBlockingTest {

    @Test
    void aWordThatWouldRepeatATrigramIsBlockedAndNothingElse() {
        // Only a whole trigram that occurred before is blocked: "black and white brown and" + "white"
        // makes "brown and white", new, although the bigram "and white" repeats.
        int[] words = {10, 11, 12, 13, 11}; // black and white brown and
        assertFalse(BeamSearch.repeatsTrigram(words, 12), "'brown and white' is new");
        int[] loop = {10, 11, 12, 13, 10, 11}; // black and white brown black and
        assertTrue(BeamSearch.repeatsTrigram(loop, 12), "'black and white' again");
        assertFalse(BeamSearch.repeatsTrigram(loop, 13));
        assertFalse(BeamSearch.repeatsTrigram(new int[] {10}, 10), "too short to repeat");
        assertFalse(BeamSearch.repeatsTrigram(new int[] {10, 10}, 10), "the first trigram cannot repeat");
        assertTrue(BeamSearch.repeatsTrigram(new int[] {10, 10, 10}, 10), "'x x x' twice");
    }

    @Test
    void aWordIsNeverWrittenTwiceInARow() {
        assertTrue(BeamSearch.repeats(new int[] {10, 11}, 11), "'is is'");
        assertFalse(BeamSearch.repeats(new int[] {11, 10}, 11), "'is a is' repeats no word in a row");
        assertFalse(BeamSearch.repeats(new int[0], 11));
        assertTrue(BeamSearch.repeats(new int[] {10, 11, 12, 10, 11}, 12), "a trigram again");
    }

    /**
     * A model that always ranks the words the same way, 4 best, then 5, 6, ..., {@code <end>} last,
     * whatever came before: with blocking, greedy writes "4 5 4 5" and then finds both of its two
     * best words blocked ("4 5 4" again, "5" twice in a row).
     */
    private static final class SameRanking extends LastWordModel {
        static final int VOCAB = 12;

        SameRanking() {
            super(VOCAB);
        }

        @Override
        float[] logProbs(int last) {
            float[] row = new float[VOCAB];
            for (int w = 0; w < VOCAB; w++) {
                row[w] = w >= 4 ? -(w - 3) : -40f;
            }
            row[Vocabulary.END_ID] = -30f;
            return row;
        }
    }

    @Test
    void aBeamWhoseBestWordsAreAllBlockedTakesTheNextAllowedOneInsteadOfDying() {
        SearchSettings settings = SearchSettings.of(12, 0.5).withBlockedTrigrams(true);
        for (int width : new int[] {1, 2, 3}) {
            List<List<Hypothesis>> found = new BeamSearch(width, 1, settings).search(new SameRanking(),
                    new float[][] {{0f}, {1f}});
            for (List<Hypothesis> image : found) {
                assertEquals(1, image.size(), "width " + width + ": every image gets a caption");
                int[] words = image.get(0).words();
                assertEquals(12, words.length, Arrays.toString(words));
                for (int k = 2; k < words.length; k++) {
                    assertFalse(BeamSearch.repeats(Arrays.copyOf(words, k), words[k]),
                            "width " + width + ": " + Arrays.toString(words) + " repeats itself at " + k);
                }
            }
        }
        // Greedy: the word after "4 5 4 5" is 6, the best one not blocked.
        int[] greedy = new BeamSearch(1, 1, settings).search(new SameRanking(), new float[][] {{0f}}).get(0).get(0)
                .words();
        assertEquals(List.of(4, 5, 4, 5, 6), Arrays.stream(greedy).limit(5).boxed().toList());
    }
}
