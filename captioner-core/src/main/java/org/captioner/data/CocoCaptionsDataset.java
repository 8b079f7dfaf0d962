package org.captioner.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MS-COCO caption annotations ({@code captions_train2014.json}: {@code images[{id, file_name}]},
 * {@code annotations[{image_id, caption}]}), one file per split. Images are looked up in the
 * folder named after the file ({@code train2014/}) or in {@code images/}.
 */
public final class CocoCaptionsDataset extends CaptionDataset {

    private final Map<Split, Path> annotationFiles;
    private final Path dataDir;
    private final Path imagesOverride;

    public CocoCaptionsDataset(Map<Split, Path> annotationFiles, Path dataDir) {
        this(annotationFiles, dataDir, null);
    }

    /** With every split's images in {@code imagesDir}. */
    public CocoCaptionsDataset(Map<Split, Path> annotationFiles, Path dataDir, Path imagesDir) {
        this.annotationFiles = Map.copyOf(annotationFiles);
        this.dataDir = dataDir;
        this.imagesOverride = imagesDir;
    }

    /** The usual layout: {@code annotations/captions_{train,val,test}2014.json}. */
    public static CocoCaptionsDataset standard(Path dataDir) {
        Path ann = dataDir.resolve("annotations");
        return new CocoCaptionsDataset(
                Map.of(
                        Split.TRAIN, ann.resolve("captions_train2014.json"),
                        Split.DEV, ann.resolve("captions_val2014.json"),
                        Split.TEST, ann.resolve("captions_test2014.json")),
                dataDir);
    }

    /**
     * A folder holding one {@code captions.json} (and {@code images/}): a held-out evaluation set
     * such as ../shared/eval/coco-sample. It answers for the dev and test splits, never for
     * training, so it can be evaluated and tuned on but not trained on by mistake.
     */
    public static CocoCaptionsDataset singleFile(Path dataDir, Path imagesDir) {
        Path file = dataDir.resolve(SINGLE_FILE);
        return new CocoCaptionsDataset(Map.of(Split.DEV, file, Split.TEST, file), dataDir, imagesDir);
    }

    /** A folder of one {@link #SINGLE_FILE} answers for dev and test alike: its reports name the file, not a split. */
    @Override
    public String describe(Split split) {
        Path file = annotationFiles.get(split);
        boolean single = file != null && file.getFileName().toString().equals(SINGLE_FILE)
                && annotationFiles.values().stream().allMatch(file::equals);
        return single ? SINGLE_FILE + " (its only split)" : super.describe(split);
    }

    /** The file name of a single-split folder (see {@link #singleFile}). */
    public static final String SINGLE_FILE = "captions.json";

    Map<Split, Path> annotationFiles() {
        return annotationFiles;
    }

    @Override
    public String name() {
        return "coco";
    }

    @Override
    protected Map<String, CaptionedImage> listed(Split split) throws IOException {
        Path file = annotationFiles.get(split);
        if (file == null || !Files.isRegularFile(file)) {
            throw new IOException(file == null
                    ? "this COCO folder holds one evaluation split (" + SINGLE_FILE + "): no " + split.label() + " split"
                    : "COCO caption file for " + split.label() + " not found: " + file);
        }
        return read(file, imagesOverride != null ? imagesOverride : imageFolder(file));
    }

    private Path imageFolder(Path annotationFile) {
        String stem = annotationFile.getFileName().toString().replaceFirst("\\.json$", "");
        Path named = dataDir.resolve(stem.replaceFirst("^captions_", ""));
        return Files.isDirectory(named) ? named : dataDir.resolve("images");
    }

    /** Reads one COCO captions file; ids are COCO's numeric image ids as text. */
    static Map<String, CaptionedImage> read(Path file, Path imagesDir) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(file, "line " + e.getLocation().getLineNr(),
                    "not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode images = root == null ? null : root.get("images");
        JsonNode annotations = root == null ? null : root.get("annotations");
        if (images == null || !images.isArray()) {
            throw new DatasetFormatException(file, null, "no 'images' array");
        }
        if (annotations == null || !annotations.isArray()) {
            throw new DatasetFormatException(file, null, "no 'annotations' array");
        }
        Map<String, String> fileNames = new LinkedHashMap<>();
        for (int i = 0; i < images.size(); i++) {
            JsonNode img = images.get(i);
            JsonNode id = img.get("id");
            JsonNode name = img.get("file_name");
            if (id == null || !id.canConvertToLong() || name == null || !name.isTextual()) {
                throw new DatasetFormatException(file, "images[" + i + "]",
                        "needs a numeric 'id' and a text 'file_name'");
            }
            fileNames.put(id.asText(), name.asText());
        }
        Map<String, java.util.List<String>> caps = new LinkedHashMap<>();
        for (int i = 0; i < annotations.size(); i++) {
            JsonNode a = annotations.get(i);
            JsonNode id = a.get("image_id");
            JsonNode caption = a.get("caption");
            if (id == null || !id.canConvertToLong() || caption == null || !caption.isTextual()) {
                throw new DatasetFormatException(file, "annotations[" + i + "]",
                        "needs a numeric 'image_id' and a text 'caption'");
            }
            if (!fileNames.containsKey(id.asText())) {
                throw new DatasetFormatException(file, "annotations[" + i + "]",
                        "image_id " + id.asText() + " is not in 'images'");
            }
            caps.computeIfAbsent(id.asText(), k -> new ArrayList<>()).add(caption.asText());
        }
        Map<String, CaptionedImage> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : fileNames.entrySet()) {
            java.util.List<String> c = caps.get(e.getKey());
            if (c != null) {
                out.put(e.getKey(), new CaptionedImage(e.getKey(), imagesDir.resolve(e.getValue()), c));
            }
        }
        return out;
    }
}
