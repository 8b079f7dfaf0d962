package org.captioner.encoder;

import java.awt.image.BufferedImage;
import java.util.List;

/** The images of one encoder call, already decoded and upright. */
public record ImageBatch(List<BufferedImage> images) {
    public ImageBatch {
        images = List.copyOf(images);
    }
}
