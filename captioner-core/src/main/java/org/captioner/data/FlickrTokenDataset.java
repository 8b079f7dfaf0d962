package org.captioner.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flickr8k / Flickr30k in their original layout: a token file of {@code image.jpg#n<TAB>caption}
 * lines and one text file per split listing image file names.
 */
public final class FlickrTokenDataset extends CaptionDataset {

    private final String name;
    private final Path tokenFile;
    private final Map<Split, Path> splitFiles;
    private final Path imagesDir;
    private Map<String, List<String>> captions;

    public FlickrTokenDataset(String name, Path tokenFile, Map<Split, Path> splitFiles, Path imagesDir) {
        this.name = name;
        this.tokenFile = tokenFile;
        this.splitFiles = Map.copyOf(splitFiles);
        this.imagesDir = imagesDir;
    }

    /** Flickr8k as distributed: {@code Flickr8k.token.txt}, {@code Flickr_8k.*Images.txt}. */
    public static FlickrTokenDataset flickr8k(Path dataDir, Path imagesDir) {
        return new FlickrTokenDataset(
                "flickr8k",
                dataDir.resolve("Flickr8k.token.txt"),
                Map.of(
                        Split.TRAIN, dataDir.resolve("Flickr_8k.trainImages.txt"),
                        Split.DEV, dataDir.resolve("Flickr_8k.devImages.txt"),
                        Split.TEST, dataDir.resolve("Flickr_8k.testImages.txt")),
                imagesDir);
    }

    /**
     * Flickr30k: {@code results_20130124.token} and split lists {@code flickr30k_train.txt},
     * {@code flickr30k_val.txt}, {@code flickr30k_test.txt} (Flickr30k ships no official split;
     * the Karpathy JSON format is the usual alternative).
     */
    public static FlickrTokenDataset flickr30k(Path dataDir, Path imagesDir) {
        return new FlickrTokenDataset(
                "flickr30k",
                dataDir.resolve("results_20130124.token"),
                Map.of(
                        Split.TRAIN, dataDir.resolve("flickr30k_train.txt"),
                        Split.DEV, dataDir.resolve("flickr30k_val.txt"),
                        Split.TEST, dataDir.resolve("flickr30k_test.txt")),
                imagesDir);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected Map<String, CaptionedImage> listed(Split split) throws IOException {
        Map<String, List<String>> all = captions();
        Path list = splitFiles.get(split);
        if (list == null || !Files.isRegularFile(list)) {
            throw new IOException("split list for " + split.label() + " not found: " + list);
        }
        Map<String, CaptionedImage> out = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
            lineNo++;
            String file = line.strip();
            if (file.isEmpty()) {
                continue;
            }
            List<String> caps = all.get(file);
            if (caps == null) {
                throw new DatasetFormatException(list, "line " + lineNo,
                        "image '" + file + "' has no captions in " + tokenFile.getFileName());
            }
            out.put(file, new CaptionedImage(file, imagesDir.resolve(file), caps));
        }
        return out;
    }

    private synchronized Map<String, List<String>> captions() throws IOException {
        if (captions == null) {
            captions = readTokenFile(tokenFile);
        }
        return captions;
    }

    /** Reads {@code image.jpg#n<TAB>caption} lines, in file order per image. */
    static Map<String, List<String>> readTokenFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("caption file not found: " + file);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    throw new DatasetFormatException(file, "line " + lineNo,
                            "expected 'image.jpg#n<TAB>caption', found no tab");
                }
                String key = line.substring(0, tab);
                int hash = key.lastIndexOf('#');
                if (hash <= 0) {
                    throw new DatasetFormatException(file, "line " + lineNo,
                            "expected 'image.jpg#n' before the tab, found '" + key + "'");
                }
                String caption = line.substring(tab + 1).strip();
                if (caption.isEmpty()) {
                    throw new DatasetFormatException(file, "line " + lineNo, "empty caption");
                }
                out.computeIfAbsent(key.substring(0, hash), k -> new ArrayList<>()).add(caption);
            }
        }
        return out;
    }
}
