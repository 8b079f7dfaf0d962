package org.captioner.image;

import java.util.Optional;

/** Image formats recognised by their leading bytes, not their file name. */
public enum ImageFormat {
    JPEG,
    PNG,
    GIF,
    BMP;

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
        return Optional.empty();
    }

    public static Optional<ImageFormat> sniff(byte[] header) {
        return sniff(header, header.length);
    }
}
