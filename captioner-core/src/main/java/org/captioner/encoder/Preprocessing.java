package org.captioner.encoder;

import java.util.List;
import java.util.Locale;

/**
 * How an image becomes the encoder's input tensor. {@code RESIZE_CROP}: shorter side to
 * {@code resize}, centre crop {@code crop}x{@code crop} (the usual ImageNet evaluation).
 * {@code SQUASH}: plain resize to {@code crop}x{@code crop}, aspect ratio not kept (what the
 * shared 224x224 Flickr8k copy needs). Then RGB in [0,1], minus {@code mean}, over {@code std}.
 */
public record Preprocessing(Mode mode, int resize, int crop, List<Double> mean, List<Double> std) {

    public enum Mode { RESIZE_CROP, SQUASH }

    public static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
    public static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);

    public Preprocessing {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required");
        }
        if (crop < 8 || resize < crop) {
            throw new IllegalArgumentException("need 8 <= crop <= resize, got crop " + crop + ", resize " + resize);
        }
        if (mean == null || std == null || mean.size() != 3 || std.size() != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
        }
        if (std.stream().anyMatch(s -> s <= 0)) {
            throw new IllegalArgumentException("std values must be positive");
        }
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    /** Shorter side 256, centre crop 224, ImageNet mean/std. */
    public static Preprocessing imagenet() {
        return new Preprocessing(Mode.RESIZE_CROP, 256, 224, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** Plain resize to size x size, ImageNet mean/std. */
    public static Preprocessing squash(int size) {
        return new Preprocessing(Mode.SQUASH, size, size, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** Parses {@code crop} (resize 256/crop 224) or {@code squash} (224x224), optionally {@code squash:299}. */
    public static Preprocessing parse(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split(":");
        switch (parts[0]) {
            case "crop":
            case "resize-crop":
                if (parts.length == 3) {
                    return new Preprocessing(Mode.RESIZE_CROP, Integer.parseInt(parts[1]),
                            Integer.parseInt(parts[2]), IMAGENET_MEAN, IMAGENET_STD);
                }
                return imagenet();
            case "squash":
                return squash(parts.length == 2 ? Integer.parseInt(parts[1]) : 224);
            default:
                throw new IllegalArgumentException(
                        "unknown preprocessing '" + text + "' (expected crop, crop:256:224, squash or squash:224)");
        }
    }

    /**
     * The part of a {@code width}×{@code height} photo the encoder sees, in its pixels: all of it
     * when squashed, else the centre square that survives the crop (side {@code crop/resize} of the
     * shorter side). What a grid of regions covers.
     */
    public java.awt.geom.Rectangle2D seenRegion(int width, int height) {
        if (mode == Mode.SQUASH) {
            return new java.awt.geom.Rectangle2D.Double(0, 0, width, height);
        }
        double side = Math.min(width, height) * (double) crop / resize;
        return new java.awt.geom.Rectangle2D.Double((width - side) / 2, (height - side) / 2, side, side);
    }

    /** Short text for logs and cache keys. */
    public String describe() {
        String geometry = mode == Mode.SQUASH
                ? "squash " + crop + "x" + crop
                : "shorter side " + resize + ", centre crop " + crop;
        return geometry + ", mean " + mean + ", std " + std;
    }
}
