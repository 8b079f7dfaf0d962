package org.captioner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttentionPictureTest {

    @Test
    void bilinearUpsamplingHitsEachCellsValueAtItsCentreAndBlendsBetween() {
        float[] alpha = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                assertEquals(alpha[y * 3 + x], AttentionPicture.bilinear(alpha, 3, x, y), 1e-6);
            }
        }
        assertEquals(0.5f, AttentionPicture.bilinear(alpha, 3, 0.5f, 0), 1e-6);
        assertEquals(2f, AttentionPicture.bilinear(alpha, 3, 0.5f, 0.5f), 1e-6);
        // Beyond the outer centres the edge value holds.
        assertEquals(8f, AttentionPicture.bilinear(alpha, 3, 5f, 5f), 1e-6);
    }

    @Test
    void theRegionLookedAtKeepsItsLightAndTheRestIsDimmed() {
        BufferedImage white = new BufferedImage(70, 70, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 70; y++) {
            for (int x = 0; x < 70; x++) {
                white.setRGB(x, y, 0xffffff);
            }
        }
        float[] alpha = new float[49];
        alpha[0] = 1; // the top-left region only
        BufferedImage lit = AttentionPicture.lit(white, alpha);
        // Pixel 4 of a 10-pixel cell has its centre at 4.5, the cell's centre.
        assertEquals(255, lit.getRGB(4, 4) & 0xff, "the centre of the attended region is at full light");
        int far = lit.getRGB(65, 65) & 0xff;
        assertEquals(Math.round(255 * 0.2f), far, 1, "an ignored region keeps the floor's light");
    }

    @Test
    void aPictureHasAPanelPerWordAndRefusesMismatchedInput() {
        BufferedImage photo = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        float[][] alphas = new float[7][49];
        for (float[] a : alphas) {
            a[24] = 1;
        }
        List<String> words = List.of("a", "dog", "runs", "on", "the", "wet", "grass");
        BufferedImage picture = AttentionPicture.draw(photo, new Rectangle2D.Double(0, 0, 300, 200),
                "a dog runs on the wet grass", words, alphas);
        assertEquals(5 * 192 + 6 * 6, picture.getWidth());
        // Two rows of panels shaped like the 3:2 photo (128 pixels high), a label under each, a title.
        assertEquals(28 + 2 * (128 + 22 + 6) + 6, picture.getHeight());
        assertThrows(IllegalArgumentException.class, () -> AttentionPicture.draw(photo,
                new Rectangle2D.Double(0, 0, 300, 200), "a dog", List.of("a"), alphas));
        assertThrows(IllegalArgumentException.class, () -> AttentionPicture.gridSide(48));
    }
}
