package org.captioner.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.captioner.ProjectFiles;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.encoder.Preprocessing;
import org.captioner.image.PhotoReader;
import org.captioner.text.Vocabulary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The default bundle's caption matcher on the sample photos. */
class CaptionMatcherTest {

    static ImageEncoder encoder;
    static CaptionMatcher matcher;
    static Vocabulary vocabulary;

    @BeforeAll
    static void load() throws Exception {
        encoder = ImageEncoder.load(EncoderSource.parse(ProjectFiles.encoder().toString()),
                Preprocessing.parse("squash"));
        vocabulary = Vocabulary.load(ProjectFiles.defaultModel().resolve("vocabulary.json"));
        matcher = CaptionMatcher.load(ProjectFiles.defaultModel().resolve(CaptionMatcher.FILE));
    }

    @AfterAll
    static void close() {
        matcher.close();
        encoder.close();
    }

    private static float[] pooled(String sample) throws Exception {
        return encoder.encode(List.of(new PhotoReader().read(ProjectFiles.sample(sample))))[0];
    }

    private int[] ids(String caption) {
        return Arrays.stream(caption.split(" ")).mapToInt(vocabulary::id).toArray();
    }

    @Test
    void eachPhotoMatchesItsOwnCaptionBetterThanTheOthers() throws Exception {
        float[] kitten = pooled("kitten.jpg");
        float[] mountains = pooled("mountains.png");
        String cat = "a small cat is playing on the floor";
        String hiker = "a man is standing in the mountains";
        float[] s = matcher.similarity(new float[][] {kitten, kitten, mountains, mountains},
                new int[][] {ids(cat), ids(hiker), ids(cat), ids(hiker)});
        assertEquals(4, s.length);
        assertTrue(s[0] > s[1], "kitten: cat " + s[0] + ", hiker " + s[1]);
        assertTrue(s[3] > s[2], "mountains: hiker " + s[3] + ", cat " + s[2]);
        for (float x : s) {
            assertTrue(x >= -1.0001f && x <= 1.0001f, "a cosine: " + x);
        }
    }

    @Test
    void paddingDoesNotChangeACaptionsSimilarity() throws Exception {
        // Captions of different lengths are padded to the longest in one call: each must score as alone.
        float[] fox = pooled("fox.png");
        int[] short1 = ids("a white dog");
        int[] long1 = ids("a white dog is running through the deep snow in the mountains");
        float alone = matcher.similarity(new float[][] {fox}, new int[][] {short1})[0];
        float together = matcher.similarity(new float[][] {fox, fox}, new int[][] {short1, long1})[0];
        assertEquals(alone, together, 1e-5);
    }

    @Test
    void refusesUnpairedRows() {
        assertThrows(IllegalArgumentException.class,
                () -> matcher.similarity(new float[2][1280], new int[][] {{4}}));
    }

    @Test
    void aMatcherMadeForAnotherBundleIsRefusedAtLoad() throws Exception {
        matcher.checkFits(vocabulary.size(), 1280, "shipped");
        java.io.IOException words = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> matcher.checkFits(vocabulary.size() + 100, 1280, "shipped"));
        assertTrue(words.getMessage().contains((vocabulary.size() + 100) + "-word"), words.getMessage());
        java.io.IOException features = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> matcher.checkFits(vocabulary.size(), 512, "shipped"));
        assertTrue(features.getMessage().contains("512-d features"), features.getMessage());
        // The matcher still works after a refused check.
        assertEquals(1, matcher.similarity(new float[][] {new float[1280]}, new int[][] {{4}}).length);
    }
}
