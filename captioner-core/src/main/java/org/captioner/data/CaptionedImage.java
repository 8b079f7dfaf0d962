package org.captioner.data;

import java.nio.file.Path;
import java.util.List;

/** One image of a caption dataset with its human reference captions (raw, untokenised). */
public record CaptionedImage(String id, Path image, List<String> captions) {
    public CaptionedImage {
        captions = List.copyOf(captions);
    }
}
