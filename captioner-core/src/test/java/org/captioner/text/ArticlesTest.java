package org.captioner.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArticlesTest {

    @Test
    void anBeforeAVowelSoundAsFarAsSpellingTells() {
        assertTrue(Articles.takesAn("elephant"));
        assertTrue(Articles.takesAn("umbrella"));
        assertFalse(Articles.takesAn("unicycle"));
        assertFalse(Articles.takesAn("one"));
        assertFalse(Articles.takesAn("dog"));
        assertFalse(Articles.takesAn(""));
        assertTrue(Articles.takesAn("unidentified"));
        assertFalse(Articles.takesAn("uniform"));
        assertTrue(Articles.takesAn("hour"));
        assertTrue(Articles.takesAn("8"));
        assertTrue(Articles.takesAn("18-year-old"));
        assertFalse(Articles.takesAn("110"));
        assertFalse(Articles.takesAn("2"));
    }

    @Test
    void eachArticleAgreesWithTheWordAfterIt() {
        Vocabulary v = Vocabulary.of(List.of("a", "an", "man", "on", "elephant", "unicycle"));
        int[] wrong = ids(v, "a man on a elephant an unicycle a");
        assertEquals("a man on an elephant a unicycle a", v.text(Articles.agree(wrong, v)));
        int[] right = ids(v, "a man on an elephant");
        assertSame(right, Articles.agree(right, v), "nothing to change: the same array");
        Vocabulary noAn = Vocabulary.of(List.of("a", "elephant"));
        assertEquals("a elephant", noAn.text(Articles.agree(ids(noAn, "a elephant"), noAn)),
                "a vocabulary without 'an' keeps 'a'");
    }

    @Test
    void anArticleBeforeAWordPeopleEndOnBareIsDropped() {
        Vocabulary v = Vocabulary.of(List.of("a", "an", "the", "man", "is", "playing", "tennis", "ball", "on", "dirt",
                "ice", "dog"));
        assertEquals("a man is playing tennis",
                v.text(Articles.dropBeforeBareEnding(ids(v, "a man is playing a tennis"), v)));
        assertEquals("a dog is on dirt", v.text(Articles.dropBeforeBareEnding(ids(v, "a dog is on a dirt"), v)));
        assertEquals("a man is on ice", v.text(Articles.dropBeforeBareEnding(ids(v, "a man is on an ice"), v)));
        for (String kept : List.of("a man is playing a tennis ball", "a man is on the dirt", "a man is on a dog",
                "a tennis", "a man is playing tennis")) {
            int[] words = ids(v, kept);
            assertSame(words, Articles.dropBeforeBareEnding(words, v), kept);
        }
    }

    private static int[] ids(Vocabulary v, String text) {
        return Arrays.stream(text.split(" ")).mapToInt(v::id).toArray();
    }
}
