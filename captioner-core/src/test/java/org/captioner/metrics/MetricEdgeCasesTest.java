package org.captioner.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed cases. Expected values follow the COCO evaluation code's formulas, worked out
 * by hand for these tiny inputs.
 */
class MetricEdgeCasesTest {

    private static CaptionScores score(Map<String, List<String>> refs, Map<String, String> cands) {
        return new CaptionScorer().score(refs, cands);
    }

    @Test
    void identicalCaptionScoresPerfectBleuAndRouge() {
        CaptionScores s = score(Map.of("1", List.of("a dog runs on the grass")), Map.of("1", "A dog runs on the grass."));
        assertEquals(1.0, s.bleu4(), 1e-6);
        assertEquals(1.0, s.rougeL(), 1e-9);
    }

    @Test
    void emptyCaptionScoresZeroWithoutFailing() {
        CaptionScores s = score(Map.of("1", List.of("a dog runs")), Map.of("1", ""));
        assertEquals(0.0, s.cider(), 1e-12);
        assertEquals(0.0, s.rougeL(), 1e-12);
        assertTrue(s.bleu1() < 1e-6);
    }

    @Test
    void punctuationOnlyCaptionIsEmptyAfterTokenising() {
        CaptionScores punct = score(Map.of("1", List.of("a dog runs")), Map.of("1", "?! ... ,"));
        assertEquals(0.0, punct.rougeL(), 1e-12);
    }

    @Test
    void repeatedWordsAreClipped() {
        // "the the the the" against "the cat": unigram precision = min(4, 1) / 4 = 0.25.
        // Brevity: candidate length 4 > reference 2, no penalty. BLEU-1 = 0.25.
        CaptionScores s = score(Map.of("1", List.of("the cat")), Map.of("1", "the the the the"));
        assertEquals(0.25, s.bleu1(), 1e-6);
    }

    @Test
    void brevityPenaltyUsesTheClosestReference() {
        // Candidate "a dog" (2 words); references of 3 and 6 words: closest is 3.
        // BLEU-1 = precision 1 * exp(1 - 3/2) = e^-0.5.
        CaptionScores s = score(Map.of("1", List.of("a dog runs", "a big dog runs in park")), Map.of("1", "a dog"));
        assertEquals(Math.exp(-0.5), s.bleu1(), 1e-6);
    }

    @Test
    void rougeLMatchesTheFormula() {
        // LCS("a dog runs fast", "a cat runs") = 2: P = 2/3, R = 2/4, β = 1.2.
        double p = 2.0 / 3;
        double r = 0.5;
        double f = (1 + 1.44) * p * r / (r + 1.44 * p);
        assertEquals(f, RougeL.score("a cat runs", List.of("a dog runs fast")), 1e-12);
    }

    @Test
    void ciderRewardsTheRightImageOverTheWrongOne() {
        Map<String, List<String>> refs = new LinkedHashMap<>();
        refs.put("1", List.of("a dog runs on grass", "a brown dog running", "dog on the grass"));
        refs.put("2", List.of("a man rides a bike", "a cyclist on a road", "man riding bicycle"));
        refs.put("3", List.of("two children play in water", "kids splash in a pool", "children swimming"));
        Map<String, String> good = Map.of("1", "a dog runs on the grass", "2", "a man rides a bike on a road",
                "3", "children play in the water");
        Map<String, String> swapped = Map.of("1", "a man rides a bike on a road", "2", "children play in the water",
                "3", "a dog runs on the grass");
        assertTrue(score(refs, good).cider() > 5 * score(refs, swapped).cider());
    }

    @Test
    void unicodeIsTokenisedNotDropped() {
        CaptionScores s = score(Map.of("1", List.of("a café in zürich")), Map.of("1", "A café in Zürich"));
        assertEquals(1.0, s.rougeL(), 1e-9);
    }

    @Test
    void candidateWithoutReferencesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> score(Map.of("1", List.of("x")), Map.of("2", "x")));
    }

    @Test
    void fixedCorpusCiderEqualsCorpusCiderOnTheSameSet() {
        List<List<String>> refs = List.of(
                List.of("a dog runs on the grass", "a brown dog is running", "the dog plays outside"),
                List.of("two children play in the snow", "kids in the snow", "two kids are sledding"),
                List.of("a man rides a bike", "a cyclist on a road", "a man on a bicycle rides down a hill"));
        List<String> cands = List.of("a dog is running on the grass", "two kids play in snow", "a man rides a bicycle");
        CiderD corpus = new CiderD();
        for (int i = 0; i < refs.size(); i++) {
            corpus.add(cands.get(i), refs.get(i));
        }
        double[] expected = corpus.scores();
        CiderD.Fixed fixed = new CiderD.Fixed(refs);
        for (int i = 0; i < refs.size(); i++) {
            assertTrue(expected[i] > 0);
            assertEquals(expected[i], fixed.score(i, cands.get(i)), 1e-12);
        }
        // A caption of another image scores lower than the image's own.
        assertTrue(fixed.score(0, cands.get(1)) < fixed.score(0, cands.get(0)));
    }
}
