package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {

    @TempDir
    Path out;

    @Test
    void writesMetricsResultsAndAReportWhoseThumbnailsExist() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        CliRunner.Run run = CliRunner.run("evaluate", "--model", b.bundle.toString(), "--dataset", "flickr8k",
                "--data-dir", b.shapes.fixture.dir.toString(), "--split", "test", "--beam", "2", "--out", out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("CIDEr"), run.out());

        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String k : new String[] {"Bleu_1", "Bleu_4", "ROUGE_L", "CIDEr", "CHAIRs", "CHAIRi", "distinct"}) {
            assertTrue(metrics.get(k).isNumber(), k);
        }
        assertEquals(4, metrics.get("images").asInt());
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(4, results.size());

        // Rescoring the written results with `score` gives the same numbers.
        Path refs = out.resolve("refs.json");
        StringBuilder sb = new StringBuilder("{\"annotations\": [");
        boolean first = true;
        for (var image : b.shapes.fixture.captions.entrySet()) {
            for (String c : image.getValue()) {
                sb.append(first ? "" : ",").append(new ObjectMapper().writeValueAsString(
                        java.util.Map.of("image_id", image.getKey(), "caption", c)));
                first = false;
            }
        }
        Files.writeString(refs, sb.append("]}").toString());
        CliRunner.Run score = CliRunner.run("score", "--annotations", refs.toString(), "--results",
                out.resolve("results.json").toString(), "--format", "json");
        JsonNode rescored = new ObjectMapper().readTree(score.out());
        assertEquals(metrics.get("Bleu_4").asDouble(), rescored.get("Bleu_4").asDouble(), 1e-9);

        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<th>CHAIRs</th>") && html.contains("<th>distinct</th>"), "hallucination in the report");
        // Well-formed markup (void elements aside): parse it as XML after closing <img>/<meta>.
        String xml = html.replace("<!DOCTYPE html>", "").replaceAll("<(img|meta)([^>]*)>", "<$1$2/>");
        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Matcher m = Pattern.compile("src=\"(thumbs/[^\"]+)\"").matcher(html);
        int thumbs = 0;
        while (m.find()) {
            assertTrue(Files.size(out.resolve(m.group(1))) > 100, m.group(1));
            thumbs++;
        }
        assertEquals(4, thumbs);
        assertTrue(html.contains("data-cider=") && html.contains("best first"));
        assertTrue(!html.contains("http://") && !html.contains("https://"), "no external assets");
        assertFalse(html.contains("reranked"), "a bundle with no caption matcher reranks nothing");
    }

    @Test
    void recordAndAdoptUpdateTheBundle() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        Path copy = out.resolve("bundle-copy");
        Files.createDirectories(copy);
        for (String f : new String[] {"bundle.json", "vocabulary.json", "decoder.params"}) {
            Files.copy(b.bundle.resolve(f), copy.resolve(f));
        }
        CliRunner.Run run = CliRunner.run("evaluate", "--model", copy.toString(), "--dataset", "flickr8k",
                "--data-dir", b.shapes.fixture.dir.toString(), "--split", "dev", "--beam", "2", "--length-penalty", "0.5",
                "--record", "--adopt", "--out", out.resolve("eval").toString());
        assertEquals(0, run.status(), run.err());
        // The same bundle, its provenance naming the dataset it is scored on: the key has no dataset in front.
        Path own = out.resolve("bundle-own");
        Files.createDirectories(own);
        for (String f : new String[] {"vocabulary.json", "decoder.params"}) {
            Files.copy(b.bundle.resolve(f), own.resolve(f));
        }
        com.fasterxml.jackson.databind.node.ObjectNode ownInfo =
                (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(b.bundle.resolve("bundle.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) ownInfo.get("provenance")).put("dataset", "flickr8k");
        new ObjectMapper().writeValue(own.resolve("bundle.json").toFile(), ownInfo);
        CliRunner.Run ownRun = CliRunner.run("evaluate", "--model", own.toString(), "--dataset", "flickr8k",
                "--data-dir", b.shapes.fixture.dir.toString(), "--split", "dev", "--beam", "2",
                "--record", "--out", out.resolve("eval-own").toString());
        assertEquals(0, ownRun.status(), ownRun.err());
        JsonNode ownMetrics = new ObjectMapper().readTree(own.resolve("bundle.json").toFile()).get("provenance").get("metrics");
        assertTrue(ownMetrics.get("dev.beam2.CIDEr") != null && ownMetrics.get("flickr8k.dev.beam2.CIDEr") == null,
                ownMetrics.toString());
        assertEquals(0, run.status(), run.err());
        JsonNode info = new ObjectMapper().readTree(copy.resolve("bundle.json").toFile());
        assertEquals(2, info.get("search").get("beam").asInt());
        assertEquals(0.5, info.get("search").get("lengthPenalty").asDouble());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("eval/metrics.json").toFile());
        // The shapes bundle's provenance names its data "shapes", read here as the flickr8k format: scores of a
        // dataset the bundle was not trained on are filed under that dataset's name.
        assertEquals("shapes", info.get("provenance").get("dataset").asText());
        assertEquals(metrics.get("CIDEr").asDouble(),
                info.get("provenance").get("metrics").get("flickr8k.dev.beam2.CIDEr").asDouble(), 1e-12);
        assertTrue(info.get("provenance").get("metrics").get("dev.beam2.CIDEr") == null);
    }

    @Test
    void recordedScoresAreFiledUnderEverythingThatChangesTheCaptions() {
        org.captioner.objects.Grounding.Settings setting =
                new org.captioner.objects.Grounding.Settings(0.7, 3, 0, 0.7, 0.3, 0.5);
        org.captioner.data.Split test = org.captioner.data.Split.TEST;
        assertEquals("test.beam5.grounded0.7_3.0_0.0_0.7_0.3_0.5.",
                EvaluateCommand.recordPrefix(null, test, 5, setting, true, true, true, false, 0));
        // Keys recorded before R, F and A existed keep their form.
        assertEquals("test.beam5.grounded0.7_3.0_0.0.", EvaluateCommand.recordPrefix(null, test, 5,
                new org.captioner.objects.Grounding.Settings(0.7, 3), true, true, true, false, 0));
        assertEquals("test.beam3.", EvaluateCommand.recordPrefix(null, test, 3,
                org.captioner.objects.Grounding.Settings.OFF, true, false, true, false, 0));
        assertEquals("test.beam5.grounded0.7_3.0_0.0_0.7_0.3_0.5.noblock.nofill.",
                EvaluateCommand.recordPrefix(null, test, 5, setting, false, false, true, false, 0));
        assertEquals("test.beam5.grounded0.7_3.0_0.0_0.7_0.3_0.5.noanimals.dangling.",
                EvaluateCommand.recordPrefix(null, test, 5, setting, true, true, false, true, 0));
        assertEquals("test.beam5.grounded0.7_3.0_0.0_0.7_0.3_0.5.",
                EvaluateCommand.recordPrefix(null, test, 5, setting, true, true, true, false, 0));
        // Another dataset's "test" (the COCO sample's only split) is filed under its own name.
        assertEquals("coco.test.beam5.grounded0.7_3.0_0.0_0.7_0.3_0.5.",
                EvaluateCommand.recordPrefix("coco", test, 5, setting, true, true, true, false, 0));
        assertEquals("test.beam5.grounded0.7_3.0_0.0_0.7_0.3_0.5.nocolours.",
                EvaluateCommand.recordPrefix(null, test, 5, setting, true, true, true, false, 0, false));
        assertEquals("test.beam5.", EvaluateCommand.recordPrefix(null, test, 5, org.captioner.objects.Grounding.Settings.OFF, true, true,
                true, false, 0, false), "no grounding, no colours held to the photo to speak of");
        // Reranked captions are filed apart from the beam's own best.
        assertEquals("test.beam10.grounded0.7_3.0_0.0_0.7_0.3_0.5.rerank8.",
                EvaluateCommand.recordPrefix(null, test, 10, setting, true, true, true, false, 8));
        assertEquals("test.beam3.rerank0.5.", EvaluateCommand.recordPrefix(null, test, 3,
                org.captioner.objects.Grounding.Settings.OFF, true, false, true, false, 0.5));
    }

    @Test
    void addEncoderMeasuresTheDecodersOnItAndDeclaresItAsAVariant() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        Path copy = copyOf(b, "bundle-variant");
        String int8 = org.captioner.ProjectFiles.defaultModel().resolve("mobilenet_v2_int8_features.pt").toString();
        String photo = org.captioner.ProjectFiles.sample("fox.png").toString();
        CliRunner.Run refused = CliRunner.run("caption", "--model", copy.toString(), "--encoder", int8, photo);
        assertEquals(1, refused.status(), refused.err());
        assertTrue(refused.err().contains("does not match"), refused.err());

        CliRunner.Run usage = CliRunner.run("evaluate", "--model", copy.toString(), "--dataset", "flickr8k",
                "--data-dir", b.shapes.fixture.dir.toString(), "--split", "dev", "--add-encoder", "int8", "--out",
                out.resolve("e0").toString());
        assertEquals(2, usage.status(), "--add-encoder without --encoder: " + usage.err());

        CliRunner.Run run = CliRunner.run("evaluate", "--model", copy.toString(), "--dataset", "flickr8k",
                "--data-dir", b.shapes.fixture.dir.toString(), "--split", "dev", "--beam", "2", "--encoder", int8,
                "--add-encoder", "int8", "--out", out.resolve("e1").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(Files.isRegularFile(copy.resolve("mobilenet_v2_int8_features.pt")), "the file joins the bundle");
        JsonNode variant = new ObjectMapper().readTree(copy.resolve("bundle.json").toFile()).get("encoderVariants").get(0);
        assertEquals("int8", variant.get("name").asText());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("e1/metrics.json").toFile());
        assertTrue(variant.get("measured").asText().contains(String.format(java.util.Locale.ROOT, "CIDEr %.4f",
                metrics.get("CIDEr").asDouble())), variant.toString());

        CliRunner.Run accepted = CliRunner.run("caption", "--model", copy.toString(), "--encoder", "int8", photo);
        assertEquals(0, accepted.status(), accepted.err());
        assertTrue(accepted.out().contains("fox.png"), accepted.out());

        // The bundle's own scores and defaults are not recorded from another encoder's features.
        CliRunner.Run record = CliRunner.run("evaluate", "--model", copy.toString(), "--dataset", "flickr8k",
                "--data-dir", b.shapes.fixture.dir.toString(), "--split", "dev", "--encoder", "int8", "--record",
                "--out", out.resolve("e2").toString());
        assertEquals(2, record.status(), record.err());
        assertTrue(record.err().contains("--record and --adopt need the bundle's own encoder"), record.err());
    }

    @Test
    void makeOwnPutsTheAddedEncoderInTheOwnPlaceAndKeepsTheFormerAsAVariant() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        Path copy = copyOf(b, "bundle-own");
        String fast = org.captioner.ProjectFiles.defaultModel().resolve("mobilenet_v2_features_fast.pt").toString();
        String[] evaluate = {"evaluate", "--model", copy.toString(), "--dataset", "flickr8k", "--data-dir",
                b.shapes.fixture.dir.toString(), "--split", "dev", "--beam", "2"};
        CliRunner.Run alone = CliRunner.run(concat(evaluate, "--make-own", "float", "--out",
                out.resolve("o0").toString()));
        assertEquals(2, alone.status(), "--make-own without --add-encoder: " + alone.err());
        // The own encoder has to stay in the bundle folder to be a variant.
        CliRunner.Run absent = CliRunner.run(concat(evaluate, "--encoder", fast, "--add-encoder", "fast", "--make-own",
                "float", "--out", out.resolve("o1").toString()));
        assertEquals(2, absent.status(), absent.err());
        assertTrue(absent.err().contains("copy it there first"), absent.err());

        Files.copy(org.captioner.ProjectFiles.encoder(), copy.resolve("mobilenet_v2_features.pt"));
        // A variant already there may be measured again and take the own place.
        CliRunner.Run first = CliRunner.run(concat(evaluate, "--encoder", fast, "--add-encoder", "fast", "--out",
                out.resolve("o1b").toString()));
        assertEquals(0, first.status(), first.err());
        CliRunner.Run run = CliRunner.run(concat(evaluate, "--encoder", fast, "--add-encoder", "fast", "--make-own",
                "float", "--out", out.resolve("o2").toString()));
        assertEquals(0, run.status(), run.err());
        JsonNode info = new ObjectMapper().readTree(copy.resolve("bundle.json").toFile());
        assertEquals("mobilenet_v2_features_fast.pt", info.get("encoderLocation").get("fileName").asText());
        JsonNode former = info.get("encoderVariants").get(0);
        assertEquals(1, info.get("encoderVariants").size(), info.toString());
        assertEquals("float", former.get("name").asText());
        assertEquals("mobilenet_v2_features.pt", former.get("fileName").asText());
        assertEquals("b2a3a2cc7594ee9c559bd923a60dab90787f4256f572f07c9854f231b16f21bd",
                former.get("identity").get("sha256").asText());

        // Both caption; the own one without --encoder, and its scores can now be recorded.
        String photo = org.captioner.ProjectFiles.sample("fox.png").toString();
        for (String[] extra : new String[][] {{}, {"--encoder", "float"}}) {
            CliRunner.Run caption = CliRunner.run(concat(new String[] {"caption", "--model", copy.toString()},
                    concat(extra, photo)));
            assertEquals(0, caption.status(), caption.err());
            assertTrue(caption.out().contains("fox.png"), caption.out());
        }
        CliRunner.Run record = CliRunner.run(concat(evaluate, "--record", "--out", out.resolve("o3").toString()));
        assertEquals(0, record.status(), record.err());
        // The own encoder added again (and a former name taken) is refused before any evaluation.
        CliRunner.Run again = CliRunner.run(concat(evaluate, "--encoder", fast, "--add-encoder", "fast2", "--make-own",
                "float", "--out", out.resolve("o4").toString()));
        assertEquals(2, again.status(), again.err());
    }

    /** The shapes bundle's own files (its encoder is found elsewhere), copied into a fresh folder. */
    private Path copyOf(ShapesBundle b, String name) throws java.io.IOException {
        Path copy = Files.createDirectories(out.resolve(name));
        for (String f : new String[] {"bundle.json", "vocabulary.json", "decoder.params"}) {
            Files.copy(b.bundle.resolve(f), copy.resolve(f));
        }
        return copy;
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void anImageThatCannotBeCaptionedIsNamedAndNotCountedAsScored() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        Path data = Files.createDirectories(out.resolve("coco/images"));
        Files.copy(org.captioner.ProjectFiles.sample("kitten.jpg"), data.resolve("kitten.jpg"));
        Files.copy(org.captioner.ProjectFiles.sample("fox.png"), data.resolve("fox.png"));
        Files.writeString(data.resolve("broken.jpg"), "not an image");
        Files.writeString(out.resolve("coco/captions.json"), """
                {"images": [{"id": 1, "file_name": "kitten.jpg"}, {"id": 2, "file_name": "fox.png"},
                            {"id": 3, "file_name": "broken.jpg"}],
                 "annotations": [{"image_id": 1, "caption": "a cat"}, {"image_id": 2, "caption": "a fox"},
                                 {"image_id": 3, "caption": "a thing"}]}""");
        Path report = out.resolve("report");
        CliRunner.Run run = CliRunner.run("evaluate", "--model", b.bundle.toString(), "--dataset", "coco",
                "--data-dir", out.resolve("coco").toString(), "--split", "test", "--beam", "2", "--out", report.toString());
        assertEquals(1, run.status(), run.err());
        assertTrue(run.out().contains("(2 images)"), run.out());
        assertTrue(run.err().contains("3: ") && run.err().contains("not an image") && run.err().contains("not scored"),
                run.err());
        JsonNode metrics = new ObjectMapper().readTree(report.resolve("metrics.json").toFile());
        assertEquals(2, metrics.get("images").asInt());
        assertEquals(1, metrics.get("failed_images").asInt());
    }

    @Test
    void twoIdsThatNameOneFileBothGetItsCaption() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        Path data = Files.createDirectories(out.resolve("shared-file/images"));
        Files.copy(org.captioner.ProjectFiles.sample("kitten.jpg"), data.resolve("kitten.jpg"));
        Files.writeString(out.resolve("shared-file/captions.json"), """
                {"images": [{"id": 7, "file_name": "kitten.jpg"}, {"id": 8, "file_name": "kitten.jpg"}],
                 "annotations": [{"image_id": 7, "caption": "a cat"}, {"image_id": 8, "caption": "a kitten"}]}""");
        Path report = out.resolve("shared-report");
        CliRunner.Run run = CliRunner.run("evaluate", "--model", b.bundle.toString(), "--dataset", "coco",
                "--data-dir", out.resolve("shared-file").toString(), "--split", "test", "--out", report.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("(2 images)"), run.out());
        JsonNode results = new ObjectMapper().readTree(report.resolve("results.json").toFile());
        assertEquals(2, results.size(), results.toString());
        assertEquals(results.get(0).get("caption"), results.get(1).get("caption"));
    }
}
