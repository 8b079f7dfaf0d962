package org.captioner.rerank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RerankingTest {

    @Test
    void aBetterMatchOvertakesALikelierCaptionByItsWeightedSimilarity() {
        // Values exact in binary, so that the ties below are ties.
        double[] scores = {-2.0, -2.25, -2.5};
        float[] similarity = {0.25f, 0.5f, 0.75f};
        boolean[] all = {true, true, true};
        // 8: 0, 1.75, 3.5: the third first, then the second.
        assertArrayEquals(new int[] {2, 1, 0}, Reranking.order(scores, similarity, all, 8));
        // 1: -1.75 each: a tie keeps the search's order.
        assertArrayEquals(new int[] {0, 1, 2}, Reranking.order(scores, similarity, all, 1));
        // 2: -1.5, -1.25, -1.0.
        assertArrayEquals(new int[] {2, 1, 0}, Reranking.order(scores, similarity, all, 2));
        // 0: the search's own order.
        assertArrayEquals(new int[] {0, 1, 2}, Reranking.order(scores, similarity, all, 0));
    }

    @Test
    void aCaptionThatMayNotComeFirstKeepsItsPlaceAfterTheOthers() {
        double[] scores = {-2.0, -2.2, -2.5};
        float[] similarity = {0.10f, 0.20f, 0.90f};
        assertArrayEquals(new int[] {1, 0, 2},
                Reranking.order(scores, similarity, new boolean[] {true, true, false}, 8));
    }

    @Test
    void noCaptionMayNameAnObjectTheBestDoesNotOrMeetFewerRequiredWords() {
        List<Set<String>> named = List.of(Set.of("dog", "frisbee"), Set.of("dog"), Set.of("dog", "cat"), Set.of(),
                Set.of("frisbee", "dog"));
        boolean[] eligible = Reranking.eligible(named, new int[] {1, 1, 1, 1, 0}, new int[] {0, 0, 0, 1, 0},
                new boolean[] {true, true, true, true, true});
        // The best always; fewer objects yes; an added cat no; none, but a word said twice, no; the same
        // objects but a required word lost no.
        assertArrayEquals(new boolean[] {true, true, false, false, false}, eligible);
        // A best that repeats itself lets another repeat as much.
        assertArrayEquals(new boolean[] {true, true}, Reranking.eligible(List.of(Set.of(), Set.of()), new int[2],
                new int[] {1, 1}, new boolean[] {true, true}));
    }

    @Test
    void aCaptionCutAtTheLengthLimitMayComeFirstOnlyWhereTheBestWasCutToo() {
        List<Set<String>> none = List.of(Set.of(), Set.of(), Set.of());
        assertArrayEquals(new boolean[] {true, false, true},
                Reranking.eligible(none, new int[3], new int[3], new boolean[] {true, false, true}));
        assertArrayEquals(new boolean[] {true, true, true},
                Reranking.eligible(none, new int[3], new int[3], new boolean[] {false, false, true}));
    }

    @Test
    void aThingSaidTwiceIsARepeatButArticlesColoursAndPrepositionsAreNot() {
        assertEquals(1, Reranking.repeats("a man is standing on a mountain in the mountains"));
        assertEquals(1, Reranking.repeats("a girl is on a beach on the beach"));
        assertEquals(0, Reranking.repeats("a man in a black shirt and a black hat is sitting on a bench"));
        assertEquals(2, Reranking.repeats("a dog and a dog and a dog"));
        // "grass" is not the plural of "gras"; a short word keeps its s.
        assertEquals(0, Reranking.repeats("a dog is running on the grass"));
    }
}
