package org.captioner.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A caption dataset on disk: for each split, (image id, image path, captions). */
public abstract class CaptionDataset {

    /** A short name recorded in model provenance, e.g. {@code flickr8k}. */
    public abstract String name();

    /** How reports name {@code split} of this dataset ("test split"). */
    public String describe(Split split) {
        return split.label() + " split";
    }

    /** Every image listed for the split, with its captions, whether or not the file exists. */
    protected abstract Map<String, CaptionedImage> listed(Split split) throws IOException;

    /** The split's images that exist, plus one list of the ids whose image is missing. */
    public SplitData split(Split split) throws IOException {
        List<CaptionedImage> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (CaptionedImage image : listed(split).values()) {
            if (Files.isRegularFile(image.image())) {
                present.add(image);
            } else {
                missing.add(image.id());
            }
        }
        return new SplitData(split, present, missing);
    }
}
