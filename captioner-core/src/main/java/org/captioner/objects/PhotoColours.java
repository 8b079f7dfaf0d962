package org.captioner.objects;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.captioner.search.WordBiases;
import org.captioner.text.Vocabulary;

/**
 * How much of a photo is of each hue that captions name: the share of its pixels that are clearly
 * red, orange, yellow, green, blue, purple or pink. Grounding holds a caption's colour words to it,
 * as it holds object words to what the classifier sees ({@link #biases}): the decoder
 * otherwise writes the colours it saw most in Flickr8k ("a small cat is jumping on a red carpet"
 * where the cloth is blue).
 *
 * <p>Only hues: whether a thing is white, black, grey or brown depends on the light (on the
 * Flickr8k dev split the references named a caption's "white" or "black" about as often where few
 * pixels were as where many were), while a caption's red, blue or pink with almost no pixels of it
 * was named by none of the references in 14 of 15 cases (model card, "Colours held to the photo").
 */
public final class PhotoColours {

    /** The colour words checked, in the order of {@link #of}'s shares. */
    public static final List<String> NAMES = List.of("red", "orange", "yellow", "green", "blue", "purple", "pink");

    /** The most pixels read per side: the shares of a 112 × 112 sample are those of the photo to within noise. */
    private static final int SAMPLES = 112;

    /**
     * Below this share of a photo's pixels a colour is ruled out of its caption: half a percent, the
     * size of a small toy in the corner. Chosen on the Flickr8k dev split's captions before measuring
     * captions with it: there, of the captions' red, blue and pink below it, the references named 1 in 15.
     */
    public static final float ABSENT = 0.005f;

    private PhotoColours() {}

    /**
     * Biases ruling out, for each photo, the colour words of the hues it has less than {@link #ABSENT}
     * of ({@link Grounding#RULED_OUT}; 0 for the others, and for every colour of a photo whose row is
     * null: its pixels are not known).
     *
     * @param vocabulary the vocabulary searched
     * @param shares {@link #of} of each photo
     */
    public static WordBiases biases(Vocabulary vocabulary, float[][] shares) {
        // The colours the vocabulary has, as indices into NAMES (and each share row).
        int[] hues = java.util.stream.IntStream.range(0, NAMES.size())
                .filter(k -> vocabulary.id(NAMES.get(k)) != Vocabulary.UNK_ID).toArray();
        int[] ids = java.util.Arrays.stream(hues).map(k -> vocabulary.id(NAMES.get(k))).toArray();
        float[][] rows = new float[shares.length][hues.length];
        for (int i = 0; i < shares.length; i++) {
            for (int j = 0; j < hues.length && shares[i] != null; j++) {
                rows[i][j] = shares[i][hues[j]] < ABSENT ? Grounding.RULED_OUT : 0f;
            }
        }
        return new WordBiases(ids, rows);
    }

    /** Each of {@link #NAMES}' share of {@code photo}'s pixels, from 0 to 1. */
    public static float[] of(BufferedImage photo) {
        int w = photo.getWidth();
        int h = photo.getHeight();
        int sx = Math.min(w, SAMPLES);
        int sy = Math.min(h, SAMPLES);
        int[] counts = new int[NAMES.size()];
        for (int y = 0; y < sy; y++) {
            for (int x = 0; x < sx; x++) {
                int rgb = photo.getRGB((int) ((x + 0.5) * w / sx), (int) ((y + 0.5) * h / sy));
                int bits = huesOf(rgb);
                for (int k = 0; bits != 0; k++, bits >>>= 1) {
                    counts[k] += bits & 1;
                }
            }
        }
        float[] out = new float[counts.length];
        for (int k = 0; k < counts.length; k++) {
            out[k] = counts[k] / (float) (sx * sy);
        }
        return out;
    }

    /**
     * The hues a pixel clearly has, as bits of {@link #NAMES}' indices (none for greys, dark and
     * washed-out pixels). Saturation above 0.35 and value above 0.25 for every hue; orange only where
     * bright (dark orange is brown); pink also where a pale red or magenta (saturation 0.2 to 0.6,
     * value above 0.5), which may be red too.
     */
    static int huesOf(int rgb) {
        float[] hsb = Color.RGBtoHSB((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, null);
        float s = hsb[1];
        float v = hsb[2];
        if (s == 0) {
            return 0;
        }
        float hue = 360 * hsb[0];
        int bits = 0;
        if (s > 0.2f && s < 0.6f && v > 0.5f && (hue < 15 || hue >= 300)) {
            bits |= 1 << 6;
        }
        if (s > 0.35f && v > 0.25f) {
            int k = hue < 15 || hue >= 340 ? 0 : hue < 40 ? (v > 0.6f ? 1 : -1) : hue < 70 ? 2 : hue < 170 ? 3
                    : hue < 260 ? 4 : hue < 300 ? 5 : 6;
            if (k >= 0) {
                bits |= 1 << k;
            }
        }
        return bits;
    }
}
