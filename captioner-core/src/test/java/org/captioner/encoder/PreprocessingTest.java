package org.captioner.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.geom.Rectangle2D;
import org.junit.jupiter.api.Test;

class PreprocessingTest {

    @Test
    void theSeenRegionIsTheWholePhotoWhenSquashedAndTheCentreCropOtherwise() {
        assertEquals(new Rectangle2D.Double(0, 0, 640, 480), Preprocessing.squash(224).seenRegion(640, 480));
        // Shorter side 480 -> 256, crop 224 of it: 420 pixels of the photo, centred.
        Rectangle2D crop = Preprocessing.imagenet().seenRegion(640, 480);
        assertEquals(110, crop.getX(), 1e-9);
        assertEquals(30, crop.getY(), 1e-9);
        assertEquals(420, crop.getWidth(), 1e-9);
        assertEquals(420, crop.getHeight(), 1e-9);
        Rectangle2D tall = Preprocessing.imagenet().seenRegion(480, 640);
        assertEquals(30, tall.getX(), 1e-9);
        assertEquals(110, tall.getY(), 1e-9);
    }
}
