package org.captioner.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.captioner.ProjectFiles;
import org.captioner.ShapesFixture;
import org.junit.jupiter.api.Test;

class ImageEncoderTest {

    static Path vggFixture() throws Exception {
        return Path.of(ImageEncoderTest.class.getResource("/fixtures/tiny_vgg_fc7.pt").toURI());
    }

    @Test
    void mobilenetGivesDeterministic1280dPooledFeatures() {
        try (ImageEncoder encoder = ImageEncoder.load(EncoderSource.parse(ProjectFiles.encoder().toString()),
                Preprocessing.imagenet())) {
            assertEquals(1280, encoder.featureSize());
            assertEquals("b2a3a2cc7594ee9c559bd923a60dab90787f4256f572f07c9854f231b16f21bd", encoder.identity().sha256());
            BufferedImage red = ShapesFixture.draw(0, 0, 0, 300);
            BufferedImage blue = ShapesFixture.draw(2, 1, 1, 300);
            float[][] first = encoder.encode(List.of(red, blue));
            float[][] again = encoder.encode(List.of(red, blue));
            assertEquals(2, first.length);
            assertEquals(1280, first[0].length);
            assertArrayEquals(first[0], again[0], 0f);
            assertFalse(java.util.Arrays.equals(first[0], first[1]), "different images give different features");
            // Batching does not change an image's features beyond float noise.
            float[] alone = encoder.encode(List.of(blue))[0];
            assertArrayEquals(first[1], alone, 1e-4f);
            // Pooled ReLU6 activations are non-negative.
            for (float v : first[0]) {
                assertTrue(v >= 0);
            }
        }
    }

    @Test
    void vggStyleFixtureGivesFc7Vectors() throws Exception {
        try (ImageEncoder encoder = ImageEncoder.load(EncoderSource.parse(vggFixture().toString()),
                Preprocessing.squash(224))) {
            assertEquals(64, encoder.featureSize());
            float[][] out = encoder.encode(List.of(ShapesFixture.draw(1, 2, 0, 224), ShapesFixture.draw(3, 0, 1, 224)));
            assertEquals(64, out[0].length);
            assertNotEquals(java.util.Arrays.toString(out[0]), java.util.Arrays.toString(out[1]));
        }
    }

    @Test
    void identityDependsOnNetworkAndPreprocessing() throws Exception {
        try (ImageEncoder crop = ImageEncoder.load(EncoderSource.parse(vggFixture().toString()), Preprocessing.imagenet());
                ImageEncoder squash = ImageEncoder.load(EncoderSource.parse(vggFixture().toString()), Preprocessing.squash(224))) {
            assertFalse(crop.identity().compatibleWith(squash.identity()));
            assertTrue(crop.identity().differences(squash.identity()).contains("preprocessing"));
            assertNotEquals(crop.identity().fingerprint(), squash.identity().fingerprint());
        }
    }

    @Test
    void missingFileIsAClearError() {
        EncoderLoadException e = assertThrows(EncoderLoadException.class,
                () -> ImageEncoder.load(EncoderSource.parse("/nonexistent/encoder.pt"), Preprocessing.imagenet()));
        assertTrue(e.getMessage().contains("/nonexistent/encoder.pt"), e.getMessage());
    }

    @Test
    void sourcesAreRecognised() {
        assertEquals(EncoderSource.Kind.ZOO, EncoderSource.parse("djl://ai.djl.pytorch/resnet18_embedding").kind());
        assertEquals(EncoderSource.Kind.URL, EncoderSource.parse("https://example.com/vgg16.zip").kind());
        assertEquals(EncoderSource.Kind.FILE, EncoderSource.parse("models/x.pt").kind());
    }
}
