package org.captioner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.captioner.data.CaptionedImage;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.encoder.Preprocessing;
import org.captioner.features.FeatureStore;
import org.captioner.text.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionCorpusTest {

    @TempDir
    Path dir;

    private List<CaptionedImage> images(int n) {
        List<CaptionedImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new CaptionedImage("img" + i, dir.resolve("img" + i + ".jpg"), List.of("a red square", "a square")));
        }
        return out;
    }

    private FeatureStore store(int n, boolean mirrors) throws Exception {
        FeatureStore store = FeatureStore.open(dir.resolve(mirrors ? "m" : "p"),
                new EncoderIdentity("enc.pt", "aa", "/x/enc.pt", Preprocessing.squash(224), 2));
        for (int i = 0; i < n; i++) {
            store.put("img" + i, new float[] {i, 0});
            if (mirrors) {
                store.put(FeatureStore.flippedId("img" + i), new float[] {i, 1});
            }
        }
        return store;
    }

    @Test
    void eachEpochShowsEveryImageOneWayOrTheOtherTheSameForTheSameSeed() throws Exception {
        int n = 64;
        List<CaptionedImage> images = images(n);
        Vocabulary v = Vocabulary.build(CaptionCorpus.tokenise(images), 1);
        CaptionCorpus corpus = CaptionCorpus.buildWithMirrors(images, store(n, true), v, 20);
        assertTrue(corpus.hasMirrors());
        CaptionCorpus epoch = corpus.drawingMirrors(new Random(3));
        int mirrored = 0;
        for (int i = 0; i < n; i++) {
            float[] shown = epoch.features(i);
            assertEquals(i, shown[0], "image " + i + " is shown as itself or its own mirror");
            mirrored += (int) shown[1];
            // Captions and references are the image's own either way.
            assertSame(corpus.references(i), epoch.references(i));
        }
        assertTrue(mirrored > 16 && mirrored < 48, mirrored + " of " + n + " mirrored: about half expected");
        CaptionCorpus again = corpus.drawingMirrors(new Random(3));
        for (int i = 0; i < n; i++) {
            assertArrayEquals(epoch.features(i), again.features(i));
        }
        assertEquals(corpus.captionCount(), epoch.captionCount());
        assertFalse(epoch.hasMirrors());
    }

    @Test
    void aCorpusWithoutMirrorsIsItsOwnEpochAndACacheWithoutThemIsRefused() throws Exception {
        int n = 4;
        List<CaptionedImage> images = images(n);
        Vocabulary v = Vocabulary.build(CaptionCorpus.tokenise(images), 1);
        FeatureStore plain = store(n, false);
        CaptionCorpus corpus = CaptionCorpus.build(images, plain, v, 20);
        assertSame(corpus, corpus.drawingMirrors(new Random(1)));
        CaptionCorpus.MissingMirrorException e = assertThrows(CaptionCorpus.MissingMirrorException.class,
                () -> CaptionCorpus.buildWithMirrors(images, plain, v, 20));
        assertTrue(e.getMessage().contains("features --flip"), e.getMessage());
    }
}
