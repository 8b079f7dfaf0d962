package org.captioner.image;

import java.awt.image.BufferedImage;

/** Pixel layout conversions shared by decoding and encoding. */
public final class Rgb {
    private Rgb() {}

    /** Any image as 8-bit BGR bytes (alpha over white). */
    public static BufferedImage toBgr(BufferedImage image) {
        return ImageDecoder.toRgb(image);
    }
}
