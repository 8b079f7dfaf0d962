package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.captioner.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {

    @Test
    void jsonOutputMatchesTheSharedExpectedScores() throws Exception {
        Path eval = SharedData.require("eval");
        CliRunner.Run run = CliRunner.run("score", "--annotations", eval.resolve("public-dev-human0.annotations.json").toString(),
                "--results", eval.resolve("public-dev-human0.results.json").toString(), "--format", "json");
        assertEquals(0, run.status(), run.err());
        JsonNode got = new ObjectMapper().readTree(run.out());
        JsonNode want = new ObjectMapper().readTree(eval.resolve("public-dev-human0.expected.json").toFile());
        for (String k : new String[] {"Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"}) {
            assertEquals(want.get(k).asDouble(), got.get(k).asDouble(), 1e-6, k);
        }
        // Beside the COCO metrics: object hallucination and distinct captions (human captions: 25 of
        // 1,000 name an object no other reference names; 999 of 1,000 differ).
        assertEquals(0.025, got.get("CHAIRs").asDouble(), 1e-9);
        assertTrue(got.get("CHAIRi").asDouble() > 0 && got.get("CHAIRi").asDouble() < 0.05, got.toString());
        assertEquals(0.999, got.get("distinct").asDouble(), 1e-9);
        assertEquals(9, got.size());
    }

    @Test
    void tableIsTheDefault() throws Exception {
        Path eval = SharedData.require("eval");
        CliRunner.Run run = CliRunner.run("score", "--annotations", eval.resolve("public-dev-shuffled1.annotations.json").toString(),
                "--results", eval.resolve("public-dev-shuffled1.results.json").toString());
        assertEquals(0, run.status());
        assertTrue(run.out().contains("CIDEr") && run.out().contains("0.0350"), run.out());
    }

    @Test
    void resultsForUnknownImagesAndMalformedFilesAreClearErrors(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("refs.json"), "{\"annotations\": [{\"image_id\": 1, \"caption\": \"a dog\"}]}");
        Files.writeString(dir.resolve("res.json"), "[{\"image_id\": 2, \"caption\": \"a dog\"}]");
        Files.writeString(dir.resolve("bad.json"), "[{\"image_id\": 1, \"caption\": ");
        CliRunner.Run unknown = CliRunner.run("score", "--annotations", dir.resolve("refs.json").toString(), "--results",
                dir.resolve("res.json").toString());
        assertEquals(1, unknown.status());
        assertTrue(unknown.err().contains("no references"), unknown.err());
        CliRunner.Run bad = CliRunner.run("score", "--annotations", dir.resolve("refs.json").toString(), "--results",
                dir.resolve("bad.json").toString());
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("bad.json") && bad.err().contains("not valid JSON"), bad.err());
    }

    @Test
    void wholeNumberIdsMatchWhateverWayTheyAreWritten(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("refs.json"), "{\"annotations\": [{\"image_id\": 1, \"caption\": \"a dog runs\"},"
                + " {\"image_id\": 20, \"caption\": \"a cat sits\"}]}");
        Files.writeString(dir.resolve("res.json"), "[{\"image_id\": 1.0, \"caption\": \"a dog runs\"},"
                + " {\"image_id\": 2e1, \"caption\": \"a cat sits\"}]");
        CliRunner.Run run = CliRunner.run("score", "--annotations", dir.resolve("refs.json").toString(), "--results",
                dir.resolve("res.json").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("(2 images)"), run.out());
    }
}
