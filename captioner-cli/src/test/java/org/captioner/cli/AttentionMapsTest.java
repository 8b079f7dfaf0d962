package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where an attention decoder looked: pictures from caption --attention, α in jsonl, maps in the report. */
class AttentionMapsTest {

    @TempDir
    Path out;

    @Test
    void captionWritesAPicturePerPhotoAndJsonCarriesEachWordsAttention() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        Path model = b.attentionBundle();
        Path photos = b.shapes.fixture.dir.resolve("images");
        Path maps = out.resolve("maps");
        Path jsonl = out.resolve("captions.jsonl");
        CliRunner.Run run = CliRunner.run("caption", "--model", model.toString(), "--attention", maps.toString(),
                "--format", "jsonl", "--output", jsonl.toString(), photos.toString());
        assertEquals(0, run.status(), run.err());

        List<String> lines = Files.readAllLines(jsonl);
        long photoCount;
        try (Stream<Path> s = Files.list(photos)) {
            photoCount = s.count();
        }
        assertEquals(photoCount, lines.size());
        for (String line : lines) {
            JsonNode r = new ObjectMapper().readTree(line);
            String[] words = r.get("caption").asText().split(" ");
            JsonNode attention = r.get("attention");
            assertNotNull(attention, line);
            assertEquals(7, attention.get("grid").asInt());
            assertEquals(words.length, attention.get("words").size(), line);
            for (int k = 0; k < words.length; k++) {
                JsonNode w = attention.get("words").get(k);
                assertEquals(words[k], w.get("word").asText());
                assertEquals(49, w.get("alpha").size());
                double sum = 0;
                for (JsonNode a : w.get("alpha")) {
                    assertTrue(a.asDouble() >= 0);
                    sum += a.asDouble();
                }
                // α is a softmax over the regions (rounded to 4 decimals in JSON).
                assertEquals(1.0, sum, 3e-3, line);
            }
            String file = Path.of(r.get("file").asText()).getFileName().toString();
            BufferedImage picture = ImageIO.read(maps.resolve(file + ".attention.png").toFile());
            assertNotNull(picture, "a picture for " + file);
            // One panel per word (the fixture's photos are square: 192 pixels), at most five across.
            int rows = (words.length + 4) / 5;
            assertEquals(Math.min(5, words.length) * 198 + 6, picture.getWidth());
            assertTrue(picture.getHeight() > rows * 192, picture.getHeight() + " for " + words.length + " words");
        }
    }

    @Test
    void askingAPooledVectorBundleForAttentionIsAUsageError() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        CliRunner.Run run = CliRunner.run("caption", "--model", b.bundle.toString(), "--attention",
                out.resolve("maps").toString(), b.shapes.fixture.dir.resolve("images").toString());
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("--attention needs a bundle whose decoder attends"), run.err());
        assertTrue(!Files.exists(out.resolve("maps")), "the refused run made no folder");
    }

    @Test
    void picturesInsideAFolderBeingCaptionedAreRefusedBeforeAnythingIsWritten() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        Path photos = out.resolve("photos");
        Files.createDirectories(photos);
        Files.copy(b.shapes.fixture.dir.resolve("images").toFile().listFiles()[0].toPath(), photos.resolve("a.jpg"));
        CliRunner.Run run = CliRunner.run("caption", "--model", b.attentionBundle().toString(), "--attention",
                photos.resolve("maps").toString(), photos.toString());
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("lies inside"), run.err());
        assertTrue(!Files.exists(photos.resolve("maps")), "no folder was made");
    }

    @Test
    void theEvaluationReportCarriesAttentionMapsForEachCaption() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        CliRunner.Run run = CliRunner.run("evaluate", "--model", b.attentionBundle().toString(), "--dataset",
                "flickr8k", "--data-dir", b.shapes.fixture.dir.toString(), "--split", "test", "--beam", "2",
                "--out", out.toString());
        assertEquals(0, run.status(), run.err());
        String html = Files.readString(out.resolve("report.html"));
        int cards = html.split("<figure class=\"card\"", -1).length - 1;
        int withMaps = html.split("data-alpha=\"\\[\\[", -1).length - 1;
        assertEquals(4, cards);
        assertEquals(cards, withMaps, "every captioned image has its maps");
        assertTrue(html.contains("<span class=\"w\" tabindex=\"0\" data-k=\"0\">"), "words can be pointed at");
        assertTrue(html.contains("function showAttention"));
    }
}
