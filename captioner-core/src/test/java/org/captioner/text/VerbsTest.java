package org.captioner.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The verbs scripts/caption_verbs.py derived from Flickr8k's training captions. */
class VerbsTest {

    @Test
    void verbsAndTheirSimplePresentAreListedNounsEndingInIngAreNot() {
        List<String> words = Verbs.words();
        assertEquals(List.of("is", "are"), words.subList(0, 2), "most frequent first");
        for (String verb : List.of("running", "sitting", "parked", "runs", "sits", "rides", "catches", "climbs")) {
            assertTrue(words.contains(verb), verb);
        }
        for (String notVerb : List.of("building", "swing", "railing", "wearing", "hands", "dog", "a", "in", "cross",
                "skis", "bikes", "skateboards", "snowboards", "trains", "lines")) {
            assertTrue(!words.contains(notVerb), notVerb);
        }
        assertEquals(words.size(), words.stream().distinct().count());
    }

    @Test
    void idsAreThoseTheVocabularyKnows() {
        Vocabulary v = Vocabulary.of(List.of("a", "dog", "is", "running", "sits", "grass"));
        assertArrayEquals(new int[] {v.id("is"), v.id("running"), v.id("sits")}, Verbs.ids(v));
    }
}
