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
    void gridCachesStoreFloat16RegionsApartFromPooledOnesAndKeepTheirLayout() throws Exception {
        FeatureStore pooled = FeatureStore.open(dir, identity("aa", 3));
        FeatureStore grid = FeatureStore.open(dir, identity("aa", 3), FeatureStore.Layout.grid(2));
        assertTrue(!grid.dir().equals(pooled.dir()), "a grid cache has its own folder");
        float[] regions = {0.1f, 2f, -3.5f, 1e-3f, 100f, 0f};
        grid.put("x.jpg", regions);
        grid.put(FeatureStore.flippedId("x.jpg"), new float[6]);
        assertThrows(IllegalArgumentException.class, () -> grid.put("y.jpg", new float[3]));
        float[] back = FeatureStore.openExisting(grid.dir()).get("x.jpg");
        for (int i = 0; i < regions.length; i++) {
            assertEquals(regions[i], back[i], Math.abs(regions[i]) / 1000 + 1e-7, "value " + i);
        }
        assertEquals(12, Files.size(grid.dir().resolve("vectors").resolve("x.jpg.f16")), "two bytes a value");
        assertEquals(FeatureStore.Layout.grid(2), FeatureStore.openExisting(grid.dir()).layout());
        assertTrue(grid.contains(FeatureStore.flippedId("x.jpg")));
        assertTrue(!pooled.contains("x.jpg"));
        assertThrows(IOException.class, () -> FeatureStore.open(dir, identity("aa", 3), new FeatureStore.Layout(2, false)));
    }

    @Test
    void gridExtractionStoresRegionsWhoseMeanIsThePooledVectorAndMirrorImages() throws Exception {
        ShapesFixture fixture = ShapesFixture.write(dir.resolve("data"));
        List<CaptionedImage> images = new ArrayList<>();
        for (String name : fixture.captions.keySet()) {
            images.add(new CaptionedImage(name, fixture.dir.resolve("images").resolve(name), fixture.captions.get(name)));
            if (images.size() == 3) {
                break;
            }
        }
        try (ImageEncoder encoder = ImageEncoder.load(EncoderSource.parse(ProjectFiles.encoder().toString()),
                Preprocessing.squash(224))) {
            assertEquals(49, encoder.gridRegions());
            FeatureStore grids = FeatureStore.open(dir.resolve("features"), encoder.identity(),
                    FeatureStore.Layout.grid(49));
            FeatureStore vectors = FeatureStore.open(dir.resolve("features"), encoder.identity());
            new FeatureExtractor(encoder, new PhotoReader(), 2, true).extract(images, grids, Progress.NONE);
            new FeatureExtractor(encoder, new PhotoReader(), 2).extract(images, vectors, Progress.NONE);
            for (CaptionedImage image : images) {
                float[] grid = grids.get(image.id());
                float[] pooled = vectors.get(image.id());
                for (int c = 0; c < 1280; c++) {
                    double mean = 0;
                    for (int r = 0; r < 49; r++) {
                        mean += grid[r * 1280 + c];
                    }
                    mean /= 49;
                    assertEquals(pooled[c], mean, 2e-3 + Math.abs(pooled[c]) * 2e-3, "channel " + c);
                }
                float[] flipped = grids.get(FeatureStore.flippedId(image.id()));
                assertTrue(flipped != null && !java.util.Arrays.equals(flipped, grid), "the mirror image is stored");
            }
        }
    }

    @Test
    void mirroredIsPixelExact() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(3, 2, java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff0000);
        img.setRGB(2, 1, 0x00ff00);
        java.awt.image.BufferedImage m = FeatureExtractor.mirrored(img);
        assertEquals(0xff0000, m.getRGB(2, 0) & 0xffffff);
        assertEquals(0x00ff00, m.getRGB(0, 1) & 0xffffff);
        assertEquals(0, m.getRGB(0, 0) & 0xffffff);
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
