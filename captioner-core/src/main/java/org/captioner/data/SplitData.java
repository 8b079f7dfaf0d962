package org.captioner.data;

import java.util.List;

/**
 * The images of one split that exist on disk, and the ids whose image file is missing (reported
 * together, once, instead of failing on the first).
 */
public record SplitData(Split split, List<CaptionedImage> images, List<String> missing) {
    public SplitData {
        images = List.copyOf(images);
        missing = List.copyOf(missing);
    }

    public int captionCount() {
        return images.stream().mapToInt(i -> i.captions().size()).sum();
    }
}
