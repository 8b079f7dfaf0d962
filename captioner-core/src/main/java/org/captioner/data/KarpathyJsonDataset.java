package org.captioner.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Karpathy's split files ({@code dataset_flickr8k.json}, {@code dataset_coco.json}, ...):
 * {@code images[]} each with {@code filename}, optional {@code filepath}, {@code split}
 * (train, restval, val, test) and {@code sentences[].raw}. {@code restval} counts as train.
 */
public final class KarpathyJsonDataset extends CaptionDataset {

    private final Path jsonFile;
    private final Path imagesDir;
    private Map<Split, Map<String, CaptionedImage>> bySplit;
    private String name;

    public KarpathyJsonDataset(Path jsonFile, Path imagesDir) {
        this.jsonFile = jsonFile;
        this.imagesDir = imagesDir;
    }

    @Override
    public synchronized String name() {
        if (name == null) {
            try {
                load();
            } catch (IOException e) {
                return "karpathy";
            }
        }
        return name;
    }

    @Override
    protected synchronized Map<String, CaptionedImage> listed(Split split) throws IOException {
        load();
        return bySplit.get(split);
    }

    private void load() throws IOException {
        if (bySplit != null) {
            return;
        }
        if (!Files.isRegularFile(jsonFile)) {
            throw new IOException("Karpathy split file not found: " + jsonFile);
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(jsonFile.toFile());
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(jsonFile, "line " + e.getLocation().getLineNr(),
                    "not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode images = root == null ? null : root.get("images");
        if (images == null || !images.isArray()) {
            throw new DatasetFormatException(jsonFile, null, "no 'images' array");
        }
        Map<Split, Map<String, CaptionedImage>> out = new LinkedHashMap<>();
        for (Split s : Split.values()) {
            out.put(s, new LinkedHashMap<>());
        }
        for (int i = 0; i < images.size(); i++) {
            JsonNode img = images.get(i);
            String where = "images[" + i + "]";
            String filename = text(img, "filename", where);
            String splitName = text(img, "split", where);
            Split split;
            try {
                split = "restval".equals(splitName) ? Split.TRAIN : Split.parse(splitName);
            } catch (IllegalArgumentException e) {
                throw new DatasetFormatException(jsonFile, where, e.getMessage());
            }
            JsonNode sentences = img.get("sentences");
            if (sentences == null || !sentences.isArray() || sentences.isEmpty()) {
                throw new DatasetFormatException(jsonFile, where, "no 'sentences' array");
            }
            List<String> caps = new ArrayList<>();
            for (int j = 0; j < sentences.size(); j++) {
                caps.add(text(sentences.get(j), "raw", where + ".sentences[" + j + "]"));
            }
            JsonNode filepath = img.get("filepath");
            Path path = filepath != null && filepath.isTextual()
                    ? imagesDir.resolve(filepath.asText()).resolve(filename)
                    : imagesDir.resolve(filename);
            out.get(split).put(filename, new CaptionedImage(filename, path, caps));
        }
        JsonNode dataset = root.get("dataset");
        name = dataset != null && dataset.isTextual() ? dataset.asText() : "karpathy";
        bySplit = out;
    }

    private String text(JsonNode node, String field, String where) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isTextual()) {
            throw new DatasetFormatException(jsonFile, where, "missing text field '" + field + "'");
        }
        return v.asText();
    }
}
