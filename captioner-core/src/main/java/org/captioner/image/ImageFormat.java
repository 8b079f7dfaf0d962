package org.captioner.image;

import java.util.Optional;

/** Image formats recognised by their leading bytes, not their file name. */
public enum ImageFormat {
    JPEG("JPEG"),
    PNG("PNG"),
    GIF("GIF"),
    BMP("BMP"),
    /** Lossy or lossless WebP, as web pages and Android phones save photos (TwelveMonkeys' reader). */
    WEBP("WebP"),
    /**
     * TIFF, as scanners and some cameras write (TwelveMonkeys' reader; the first image). Camera RAW
     * files built on TIFF (NEF, DNG, ARW, CR2) sniff as TIFF too: their first image, often a small
     * preview, is what is read, or the file is reported as corrupt where that image is not one
     * TIFF readers decode.
     */
    TIFF("TIFF");

    private final String label;

    ImageFormat(String label) {
        this.label = label;
    }

    /** The format's usual name, for messages ("WebP"). */
    public String label() {
        return label;
    }

    /** The formats' names for messages: "JPEG, PNG, GIF, BMP, WebP or TIFF". */
    public static final String NAMES = names();

    private static String names() {
        ImageFormat[] all = values();
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < all.length; k++) {
            out.append(k == 0 ? "" : k == all.length - 1 ? " or " : ", ").append(all[k].label);
        }
        return out.toString();
    }

    /** The format whose signature {@code header} starts with, if any. */
    public static Optional<ImageFormat> sniff(byte[] header, int length) {
        if (length >= 3 && (header[0] & 0xff) == 0xFF && (header[1] & 0xff) == 0xD8 && (header[2] & 0xff) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (length >= 8 && (header[0] & 0xff) == 0x89 && header[1] == 'P' && header[2] == 'N' && header[3] == 'G'
                && header[4] == 0x0D && header[5] == 0x0A && header[6] == 0x1A && header[7] == 0x0A) {
            return Optional.of(PNG);
        }
        if (length >= 6 && header[0] == 'G' && header[1] == 'I' && header[2] == 'F' && header[3] == '8'
                && (header[4] == '7' || header[4] == '9') && header[5] == 'a') {
            return Optional.of(GIF);
        }
        if (length >= 14 && header[0] == 'B' && header[1] == 'M') {
            return Optional.of(BMP);
        }
        if (length >= 12 && header[0] == 'R' && header[1] == 'I' && header[2] == 'F' && header[3] == 'F'
                && header[8] == 'W' && header[9] == 'E' && header[10] == 'B' && header[11] == 'P') {
            return Optional.of(WEBP);
        }
        if (length >= 4 && ((header[0] == 'I' && header[1] == 'I' && header[2] == 42 && header[3] == 0)
                || (header[0] == 'M' && header[1] == 'M' && header[2] == 0 && header[3] == 42))) {
            return Optional.of(TIFF);
        }
        return Optional.empty();
    }

    public static Optional<ImageFormat> sniff(byte[] header) {
        return sniff(header, header.length);
    }
}
