package org.captioner.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

    @Test
    void keepsWordsSeenAtLeastMinCountAfterTheSpecialTokens() {
        PtbTokenizer t = PtbTokenizer.get();
        List<List<String>> caps = List.of(t.tokenize("A dog runs."), t.tokenize("A dog sits!"), t.tokenize("A cat."));
        Vocabulary v = Vocabulary.build(caps, 2);
        assertEquals(List.of("<pad>", "<start>", "<end>", "<unk>", "a", "dog"), v.words());
        assertEquals(Vocabulary.UNK_ID, v.id("cat"));
    }

    @Test
    void encodesWithStartEndAndTruncates() {
        Vocabulary v = Vocabulary.of(List.of("a", "dog", "runs"));
        assertArrayEquals(new int[] {1, 4, 5, 6, 2}, v.ids(List.of("a", "dog", "runs"), 20));
        assertArrayEquals(new int[] {1, 4, 5, 2}, v.ids(List.of("a", "dog", "runs"), 2));
        assertArrayEquals(new int[] {1, 4, 3, 2}, v.ids(List.of("a", "zebra"), 20));
        assertEquals("a dog", v.text(new int[] {4, 5, 2, 6}));
    }

    @Test
    void savesAndLoads(@TempDir Path dir) throws Exception {
        Vocabulary v = Vocabulary.of(List.of("a", "b"));
        v.save(dir.resolve("v.json"));
        assertEquals(v, Vocabulary.load(dir.resolve("v.json")));
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "a")));
    }

    @Test
    void tokenizesLikeTheCocoEvaluation() {
        PtbTokenizer t = PtbTokenizer.get();
        assertEquals(List.of("a", "black-and-white", "dog", "'s", "ball"), t.tokenize("A black-and-white dog's ball."));
        assertEquals(List.of("two", "dogs", "-lrb-", "brown", "-rrb-", "play"), t.tokenize("Two dogs (brown) play!"));
        assertEquals(List.of("colour"), t.tokenize("Colour"));
        assertEquals(List.of(), t.tokenize("... ? !"));
    }
}
