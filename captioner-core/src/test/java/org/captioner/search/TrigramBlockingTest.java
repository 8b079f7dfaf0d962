package org.captioner.search;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
