package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.captioner.ProjectFiles;
import org.captioner.image.BadImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caption command on a folder of good photos mixed with every kind of bad file. */
class CaptionCommandTest {

    @TempDir
    static Path tmp;
    static Path bundle;
    static Path folder;
    static Map<String, Path> broken;
    static Map<String, Path> unusual;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void setUp() throws Exception {
        bundle = ShapesBundle.get().bundle;
        folder = tmp.resolve("mixed");
        Path samples = ProjectFiles.samples();
        Files.createDirectories(folder.resolve("photos/nested"));
        Files.copy(samples.resolve("kitten.jpg"), folder.resolve("photos/kitten.jpg"));
        Files.copy(samples.resolve("mountains.png"), folder.resolve("photos/nested/mountains.png"));
        Files.copy(samples.resolve("fox.png"), folder.resolve("photos/fox.png"));
        broken = BadImages.writeBroken(folder.resolve("bad"));
        unusual = BadImages.writeUnusual(folder.resolve("odd"));
    }

    static int goodCount() {
        return 3 + unusual.size();
    }

    @Test
    void jsonlReportsEveryFileAndExitsOneWhenSomeFailed() throws Exception {
        CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), "--format", "jsonl", folder.toString());
        assertEquals(1, run.status(), run.err());
        Map<String, JsonNode> byFile = new HashMap<>();
        for (String line : run.out().strip().split("\n")) {
            JsonNode o = JSON.readTree(line);
            byFile.put(Path.of(o.get("file").asText()).getFileName().toString(), o);
        }
        assertEquals(goodCount() + broken.size(), byFile.size(), run.out());
        for (Path p : broken.values()) {
            JsonNode o = byFile.get(p.getFileName().toString());
            assertNotNull(o.get("error"), p + " should fail");
            assertTrue(o.get("caption").isNull());
            assertFalse(o.get("error").asText().isBlank());
        }
        for (String name : List.of("kitten.jpg", "mountains.png", "fox.png")) {
            assertCaptioned(byFile.get(name), name);
        }
        for (Path p : unusual.values()) {
            assertCaptioned(byFile.get(p.getFileName().toString()), p.toString());
        }
        assertTrue(byFile.get("bomb.png").get("error").asText().contains("pixels"));
        assertTrue(byFile.get("notes.png").get("error").asText().contains("not an image"));
        assertTrue(byFile.get("empty.jpg").get("error").asText().contains("empty"));
        assertTrue(byFile.get("truncated.jpg").get("error").asText().contains("truncated"));
    }

    private static void assertCaptioned(JsonNode o, String name) {
        assertNotNull(o, name + " missing");
        assertTrue(o.get("error") == null, name + ": " + o);
        assertFalse(o.get("caption").asText().isBlank(), name);
        assertTrue(o.get("score").isNumber());
    }

    @Test
    void allGoodFilesExitZeroAndTextIsPathTabCaption() {
        CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), folder.resolve("photos").toString());
        assertEquals(0, run.status(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(3, lines.length);
        for (String line : lines) {
            String[] parts = line.split("\t");
            assertEquals(2, parts.length, line);
            assertTrue(Files.exists(Path.of(parts[0])));
            assertTrue(parts[1].matches("[a-z' -]+"), parts[1]);
        }
    }

    @Test
    void csvParsesAsCsvWithAHeader() throws Exception {
        Path out = tmp.resolve("out.csv");
        CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), "--format", "csv", "--output",
                out.toString(), folder.resolve("bad").toString(), folder.resolve("photos").toString());
        assertEquals(1, run.status());
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(Files.readString(out))).getRecords();
        assertEquals(broken.size() + 3, rows.size());
        long failed = rows.stream().filter(r -> !r.get("error").isEmpty()).count();
        assertEquals(broken.size(), failed);
    }

    @Test
    void cocoFormatIsAJsonArrayOfImageIdAndCaption() throws Exception {
        Path out = tmp.resolve("results.json");
        CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), "--format", "coco", "--output",
                out.toString(), "--beam", "3", folder.resolve("photos").toString());
        assertEquals(0, run.status(), run.err());
        JsonNode results = JSON.readTree(out.toFile());
        assertTrue(results.isArray());
        assertEquals(3, results.size());
        for (JsonNode r : results) {
            assertTrue(r.has("image_id") && r.get("caption").isTextual());
        }
    }

    @Test
    void nBestGivesAlternativesBestFirst() throws Exception {
        CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), "--format", "jsonl", "--beam", "4",
                "--n-best", "3", folder.resolve("photos/kitten.jpg").toString());
        assertEquals(0, run.status(), run.err());
        JsonNode o = JSON.readTree(run.out().strip());
        JsonNode alts = o.get("alternatives");
        assertEquals(3, alts.size());
        assertEquals(o.get("caption").asText(), alts.get(0).get("caption").asText());
        assertTrue(alts.get(0).get("score").asDouble() >= alts.get(1).get("score").asDouble());
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        for (String[] args : List.of(
                new String[] {"caption", "--beam", "zero", folder.toString()},
                new String[] {"caption", "--bogus", folder.toString()},
                new String[] {"caption", "--model", bundle.toString(), "--format", "xml", folder.toString()},
                new String[] {"caption", "--model", bundle.toString()},
                new String[] {"caption", "--model", bundle.toString(), tmp.resolve("nope").toString()},
                new String[] {"caption", "--grounding", "maybe", folder.toString()},
                new String[] {"caption", "--grounding", "0,1", folder.toString()},
                // The shapes bundle has no object classifier to tag or ground with.
                new String[] {"caption", "--model", bundle.toString(), "--tags", folder.toString()},
                new String[] {"caption", "--model", bundle.toString(), "--grounding", "0.3,2", folder.toString()},
                new String[] {"caption", "--rerank", "lots", folder.toString()},
                new String[] {"caption", "--rerank", "-1", folder.toString()},
                // Nor a caption matcher to rerank with.
                new String[] {"caption", "--model", bundle.toString(), "--rerank", "8", folder.toString()},
                new String[] {"frobnicate"})) {
            CliRunner.Run run = CliRunner.run(args);
            assertEquals(2, run.status(), String.join(" ", args) + ": " + run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
            if (List.of(args).contains("--rerank")) {
                assertTrue(run.err().contains("--rerank") || run.err().contains("caption matcher"), run.err());
            }
        }
    }

    @Test
    void theKittenIsTaggedACatAndGroundingStopsTheShowAndTellModelCallingItADog() {
        String kitten = ProjectFiles.sample("kitten.jpg").toString();
        String model = ProjectFiles.defaultModel().toString();
        CliRunner.Run tagged = CliRunner.run("caption", "--model", model, "--tags", kitten);
        assertEquals(0, tagged.status(), tagged.err());
        String[] columns = tagged.out().strip().split("\t");
        assertEquals(3, columns.length, tagged.out());
        assertTrue(columns[2].startsWith("cat 0.9"), columns[2]);
        assertFalse(columns[1].contains("dog"), columns[1]);
        // The previous default's language model alone calls the kitten "a small dog"; grounded, it does not.
        String showAndTell = ProjectFiles.showAndTellModel().toString();
        CliRunner.Run off = CliRunner.run("caption", "--model", showAndTell, "--grounding", "off", kitten);
        assertTrue(off.out().contains("dog"), off.out());
        CliRunner.Run on = CliRunner.run("caption", "--model", showAndTell, kitten);
        assertEquals(0, on.status(), on.err());
        assertFalse(on.out().contains("dog"), on.out());
        // Sampling searches each photo several times over; grounding follows every sample.
        CliRunner.Run sampled = CliRunner.run("caption", "--model", model, "--temperature", "0.7", "--n-best", "3",
                kitten);
        assertEquals(0, sampled.status(), sampled.err());
        assertEquals(3, sampled.out().strip().lines().count(), sampled.out());
    }

    @Test
    void helpWorksForEveryCommand() {
        for (String c : Main.commands().keySet()) {
            CliRunner.Run run = CliRunner.run(c, "--help");
            assertEquals(0, run.status());
            assertTrue(run.out().contains("./captioner " + c), run.out());
        }
    }

    @Test
    void missingEncoderSaysWhereItLookedAndWhatToSet() throws Exception {
        Path copy = tmp.resolve("no-encoder-bundle");
        Files.createDirectories(copy);
        for (String f : List.of("bundle.json", "vocabulary.json", "decoder.params")) {
            Files.copy(bundle.resolve(f), copy.resolve(f));
        }
        String old = System.getProperty("captioner.encoderDir");
        ShapesBundle.get();
        System.setProperty("captioner.encoderDir", tmp.resolve("empty-dir").toString());
        String home = System.getProperty("captioner.home");
        System.setProperty("captioner.home", tmp.resolve("home/project").toString());
        try {
            CliRunner.Run run = CliRunner.run("caption", "--model", copy.toString(), folder.resolve("photos").toString());
            assertEquals(1, run.status());
            assertTrue(run.err().contains("looked in") && run.err().contains("CAPTIONER_ENCODER_DIR"), run.err());
        } finally {
            System.setProperty("captioner.encoderDir", old);
            if (home == null) {
                System.clearProperty("captioner.home");
            } else {
                System.setProperty("captioner.home", home);
            }
        }
    }
}
