package org.captioner.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.captioner.text.Articles;
import org.captioner.text.Vocabulary;
import org.junit.jupiter.api.Test;

class NoEndAfterTest {

    /**
     * "4 5" then {@code <end>} is by far the likeliest caption; "4 5 6" then {@code <end>} the next. Each
     * step's words: after {@code <start>} 4, after 4 word 5, after 5 {@code <end>} (then 6), after 6
     * {@code <end>}.
     */
    private static final class EndsEarly extends LastWordModel {

        EndsEarly() {
            super(8);
        }

        @Override
        float[] logProbs(int last) {
            float[] row = new float[vocabSize()];
            java.util.Arrays.fill(row, -20f);
            row[last == Vocabulary.START_ID ? 4 : last == 4 ? 5 : Vocabulary.END_ID] = -0.1f;
            if (last == 5) {
                row[6] = -3f;
            }
            return row;
        }
    }

    @Test
    void aCaptionDoesNotEndAfterAPairItMayNotEndOn() {
        SearchSettings plain = SearchSettings.of(6, 0.5);
        SearchSettings guarded = plain.withNoEndAfter(Set.of(SearchSettings.pair(4, 5)));
        float[][] image = {{0f}};
        for (int width : new int[] {1, 3}) {
            assertArrayEquals(new int[] {4, 5}, new BeamSearch(width, 1, plain).search(new EndsEarly(), image)
                    .get(0).get(0).words());
            List<Hypothesis> found = new BeamSearch(width, 1, guarded).search(new EndsEarly(), image).get(0);
            assertArrayEquals(new int[] {4, 5, 6}, found.get(0).words(), "width " + width);
            assertTrue(found.get(0).ended());
        }
        assertFalse(guarded.mayEnd(new int[] {3, 4, 5}));
        assertTrue(guarded.mayEnd(new int[] {4, 5, 6}) && guarded.mayEnd(new int[] {5}));
        assertTrue(plain.mayEnd(new int[] {4, 5}));
    }

    @Test
    void captionsDoNotEndOnAnArticleAndAWordNoCaptionEndsOnAfterIt() {
        Vocabulary v = Vocabulary.of(List.of("a", "an", "the", "on", "red", "dog", "tennis", "snow", "player"));
        Set<List<String>> pairs = new java.util.HashSet<>();
        for (int[] pair : Articles.danglingPairs(v)) {
            pairs.add(List.of(v.word(pair[0]), v.word(pair[1])));
        }
        assertTrue(pairs.containsAll(List.of(List.of("a", "red"), List.of("an", "red"), List.of("the", "red"))));
        assertFalse(pairs.contains(List.of("a", "dog")), "captions end on 'a dog'");
        assertFalse(pairs.contains(List.of("a", "tennis")), "'a tennis' loses its article at the end instead");
        assertTrue(pairs.contains(List.of("the", "player")) && !pairs.contains(List.of("a", "player")),
                "no caption ends 'the player'; some end 'a player'");
        assertFalse(pairs.contains(List.of("the", "snow")), "'in the snow.' ends captions");
        assertFalse(pairs.contains(List.of("on", "red")));
        assertFalse(pairs.contains(List.of("a", "and")), "this vocabulary has no 'and'");
    }

    @Test
    void aPhraseOfModifiersJoinedByAndDoesNotEndACaption() {
        Vocabulary v = Vocabulary.of(List.of("a", "an", "the", "on", "red", "white", "and", "dog", "is", "black",
                "running", "mat"));
        Set<Long> pairs = new java.util.HashSet<>();
        for (int[] pair : Articles.danglingPairs(v)) {
            pairs.add(SearchSettings.pair(pair[0], pair[1]));
        }
        assertTrue(pairs.contains(SearchSettings.pair(v.id("a"), v.id("and"))));
        SearchSettings guarded = SearchSettings.of(20, 0.5).withNoEndAfter(pairs);
        java.util.function.Function<String, int[]> ids = text -> java.util.Arrays.stream(text.split(" "))
                .mapToInt(v::id).toArray();
        assertFalse(guarded.mayEnd(ids.apply("a dog is running on a red and white")));
        assertFalse(guarded.mayEnd(ids.apply("a dog is running on a red and")));
        assertFalse(guarded.mayEnd(ids.apply("a dog is running on a red")));
        assertTrue(guarded.mayEnd(ids.apply("a dog is running on a red and white mat")));
        assertTrue(guarded.mayEnd(ids.apply("a dog is black and white")), "no article before the colours");
        assertTrue(guarded.mayEnd(ids.apply("a red dog")));
        // It looks back over at most 8 words after the article.
        assertFalse(guarded.mayEnd(ids.apply("on a red and white and red and white and")));
        assertTrue(guarded.mayEnd(ids.apply("on a red and white and red and white and white")));
    }
}
