package org.captioner.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The dataset layouts captioner reads, and how to open each from a data folder. */
public enum DatasetFormat {
    /** Flickr8k token file + official split lists; images in {@code images/} or {@code Flicker8k_Dataset/}. */
    FLICKR8K,
    /** Flickr30k token file + split lists; images in {@code flickr30k-images/} or {@code images/}. */
    FLICKR30K,
    /** A Karpathy {@code dataset_*.json} in the data folder; images beside it in {@code images/}. */
    KARPATHY,
    /** COCO {@code annotations/captions_*.json}, or one {@code captions.json} (an evaluation set). */
    COCO;

    public static DatasetFormat parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown dataset '" + name + "' (expected flickr8k, flickr30k, karpathy or coco)");
        }
    }

    /**
     * Opens the dataset in {@code dataDir}. {@code imagesDir} may be null to use the layout's
     * usual image folder.
     */
    public CaptionDataset open(Path dataDir, Path imagesDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            throw new IOException("data folder not found: " + dataDir);
        }
        switch (this) {
            case FLICKR8K:
                return FlickrTokenDataset.flickr8k(
                        dataDir, images(dataDir, imagesDir, "images", "Flicker8k_Dataset", "Flickr8k_Dataset"));
            case FLICKR30K:
                return FlickrTokenDataset.flickr30k(
                        dataDir, images(dataDir, imagesDir, "flickr30k-images", "images"));
            case KARPATHY:
                try (var files = Files.list(dataDir)) {
                    Path json = files.filter(p -> p.getFileName().toString().matches("dataset_.*\\.json"))
                            .sorted().findFirst()
                            .orElseThrow(() -> new IOException("no dataset_*.json in " + dataDir));
                    return new KarpathyJsonDataset(json, images(dataDir, imagesDir, "images"));
                }
            case COCO:
                if (Files.isRegularFile(dataDir.resolve(CocoCaptionsDataset.SINGLE_FILE))
                        && !Files.isDirectory(dataDir.resolve("annotations"))) {
                    return CocoCaptionsDataset.singleFile(dataDir, images(dataDir, imagesDir, "images"));
                }
                return imagesDir == null
                        ? CocoCaptionsDataset.standard(dataDir)
                        : new CocoCaptionsDataset(
                                CocoCaptionsDataset.standard(dataDir).annotationFiles(), dataDir, imagesDir);
            default:
                throw new AssertionError(this);
        }
    }

    private static Path images(Path dataDir, Path given, String... candidates) {
        if (given != null) {
            return given;
        }
        for (String c : candidates) {
            if (Files.isDirectory(dataDir.resolve(c))) {
                return dataDir.resolve(c);
            }
        }
        return dataDir.resolve(candidates[0]);
    }
}
