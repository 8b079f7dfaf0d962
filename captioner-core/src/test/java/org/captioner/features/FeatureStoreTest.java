package org.captioner.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.captioner.ProjectFiles;
import org.captioner.ShapesFixture;
import org.captioner.data.CaptionedImage;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.encoder.Preprocessing;
import org.captioner.image.PhotoReader;
import org.captioner.progress.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureStoreTest {

    @TempDir
    Path dir;

    static EncoderIdentity identity(String sha, int size) {
        return new EncoderIdentity("enc.pt", sha, "/x/enc.pt", Preprocessing.imagenet(), size);
    }

    @Test
    void storesAndReadsVectors() throws Exception {
        FeatureStore store = FeatureStore.open(dir, identity("aa", 3));
        store.put("a/b.jpg", new float[] {1, 2, 3});
        assertTrue(store.contains("a/b.jpg"));
        assertArrayEquals(new float[] {1, 2, 3}, store.get("a/b.jpg"));
        assertNull(store.get("other.jpg"));
        assertEquals(store.dir(), FeatureStore.openExisting(dir).dir());
    }

    @Test
    void refusesVectorsOfAnotherEncoder() throws Exception {
        FeatureStore store = FeatureStore.open(dir, identity("aa", 3));
        assertThrows(IllegalArgumentException.class, () -> store.put("x", new float[4]));
        // Another encoder gets its own folder; opening without an encoder is then ambiguous.
        FeatureStore.open(dir, identity("bb", 3));
        IOException e = assertThrows(IOException.class, () -> FeatureStore.openExisting(dir));
        assertTrue(e.getMessage().contains("several encoders"), e.getMessage());
    }

    @Test
    void extractionSkipsCorruptImagesAndContinuesWhereItStopped() throws Exception {
        ShapesFixture fixture = ShapesFixture.write(dir.resolve("data"));
        List<CaptionedImage> images = new ArrayList<>();
        for (String name : fixture.captions.keySet()) {
            images.add(new CaptionedImage(name, fixture.dir.resolve("images").resolve(name), fixture.captions.get(name)));
        }
        Files.write(images.get(3).image(), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2});
        try (ImageEncoder encoder = ImageEncoder.load(EncoderSource.parse(ProjectFiles.encoder().toString()),
                Preprocessing.squash(224))) {
            FeatureStore store = FeatureStore.open(dir.resolve("features"), encoder.identity());
            FeatureExtractor extractor = new FeatureExtractor(encoder, new PhotoReader(), 4);
            // A first run over half the images stands in for one that was interrupted.
            FeatureExtractor.Report first = extractor.extract(images.subList(0, 10), store, Progress.NONE);
            assertEquals(9, first.encoded());
            assertEquals(1, first.failed().size());
            assertTrue(first.failed().get(0).startsWith(images.get(3).id()));
            FeatureExtractor.Report second = extractor.extract(images, store, Progress.NONE);
            assertEquals(9, second.alreadyStored());
            assertEquals(images.size() - 10, second.encoded());
            assertTrue(store.failures().containsKey(images.get(3).id()));
            float[] again = encoder.encode(List.of(new PhotoReader().read(images.get(0).image())))[0];
            assertArrayEquals(again, store.get(images.get(0).id()), 1e-5f);
        }
    }
}
