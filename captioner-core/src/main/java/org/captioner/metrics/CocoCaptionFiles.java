package org.captioner.metrics;

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
 * Reads the COCO evaluation's two files: references {@code {"annotations":[{image_id, caption}]}}
 * and results {@code [{image_id, caption}]}. Image ids are kept as text (numbers or strings).
 */
public final class CocoCaptionFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CocoCaptionFiles() {}

    /**
     * The COCO image id of a captioned file: its name without folder and extension, numeric for
     * COCO's own images ({@code 000000000139.jpg} and {@code COCO_val2014_000000000139.jpg} are 139).
     */
    public static String imageIdOf(String file) {
        String name = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String digits = stem.replaceFirst("^COCO_[a-z]+\\d*_0*", "");
        return digits.matches("\\d+") ? digits : stem;
    }

    /** One {@code {"image_id", "caption"}} object of a results file, the id a number where it is one. */
    public static void writeResult(com.fasterxml.jackson.core.JsonGenerator json, String file, String caption)
            throws IOException {
        json.writeStartObject();
        String id = imageIdOf(file);
        if (id.matches("\\d{1,18}")) {
            json.writeNumberField("image_id", Long.parseLong(id));
        } else {
            json.writeStringField("image_id", id);
        }
        json.writeStringField("caption", caption);
        json.writeEndObject();
    }

    public static Map<String, List<String>> readReferences(Path file) throws IOException {
        JsonNode root = read(file);
        JsonNode annotations = root.get("annotations");
        if (annotations == null || !annotations.isArray()) {
            throw new IOException(file + ": no 'annotations' array (expected COCO references)");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < annotations.size(); i++) {
            JsonNode a = annotations.get(i);
            out.computeIfAbsent(id(file, a, "annotations[" + i + "]"), k -> new ArrayList<>())
                    .add(caption(file, a, "annotations[" + i + "]"));
        }
        return out;
    }

    /** Results in file order; a repeated image id is an error (COCO scores one caption per image). */
    public static Map<String, String> readResults(Path file) throws IOException {
        JsonNode root = read(file);
        if (!root.isArray()) {
            throw new IOException(file + ": expected a JSON array of {image_id, caption} (COCO results)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < root.size(); i++) {
            String id = id(file, root.get(i), "[" + i + "]");
            if (out.put(id, caption(file, root.get(i), "[" + i + "]")) != null) {
                throw new IOException(file + " [" + i + "]: image_id " + id + " appears twice");
            }
        }
        return out;
    }

    private static JsonNode read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("file not found: " + file);
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null) {
                throw new IOException(file + ": empty file");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new IOException(file + " line " + e.getLocation().getLineNr() + ": not valid JSON: "
                    + e.getOriginalMessage());
        }
    }

    private static String id(Path file, JsonNode node, String where) throws IOException {
        JsonNode id = node == null ? null : node.get("image_id");
        if (id == null || !(id.isNumber() || id.isTextual())) {
            throw new IOException(file + " " + where + ": missing 'image_id'");
        }
        if (id.isNumber()) {
            // 1, 1.0 and 1e0 are one id: whole numbers are compared as integers, as COCO's own tools do.
            java.math.BigDecimal value = id.decimalValue().stripTrailingZeros();
            if (value.scale() <= 0) {
                return value.toBigInteger().toString();
            }
            return value.toPlainString();
        }
        return id.asText();
    }

    private static String caption(Path file, JsonNode node, String where) throws IOException {
        JsonNode c = node.get("caption");
        if (c == null || !c.isTextual()) {
            throw new IOException(file + " " + where + ": missing text 'caption'");
        }
        return c.asText();
    }
}
