package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.captioner.TrainedShapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --resume} continues the run it resumes: its stored settings, not the defaults. */
class TrainResumeTest {

    @TempDir
    static Path tmp;
    static TrainedShapes shapes;
    static Path run;

    @BeforeAll
    static void trainOneEpoch() throws Exception {
        shapes = TrainedShapes.prepare(tmp.resolve("shapes"));
        run = tmp.resolve("run");
        List<String> args = new ArrayList<>(base(run));
        args.addAll(List.of("--epochs", "1", "--batch-size", "3", "--embed", "32", "--hidden", "64",
                "--min-count", "1", "--lr", "0.003", "--seed", "5", "--select", "loss"));
        CliRunner.Run first = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, first.status(), first.err());
    }

    private static List<String> base(Path out) {
        return List.of("train", "--dataset", "flickr8k", "--data-dir", shapes.fixture.dir.toString(),
                "--features", shapes.store.dir().toString(), "--out", out.toString());
    }

    private static CliRunner.Run resume(String... more) {
        List<String> args = new ArrayList<>(base(run));
        args.add("--resume");
        args.addAll(List.of(more));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void aContradictingSettingIsAUsageErrorNamingBothValues() {
        CliRunner.Run r = resume("--lr", "0.01");
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--lr 0.01") && r.err().contains("learningRate 0.003"), r.err());

        CliRunner.Run sizes = resume("--hidden", "128");
        assertEquals(2, sizes.status(), sizes.err());
        assertTrue(sizes.err().contains("hiddenSize 64"), sizes.err());
    }

    @Test
    void mirrorImagesNeedACacheThatHoldsThemAndCannotBeSwitchedOnAtResume() {
        List<String> args = new ArrayList<>(base(tmp.resolve("flipped")));
        args.addAll(List.of("--epochs", "1", "--min-count", "1", "--flip"));
        CliRunner.Run r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--flip") && r.err().contains("features --flip"), r.err());

        CliRunner.Run resumed = resume("--flip");
        assertEquals(2, resumed.status(), resumed.err());
        assertTrue(resumed.err().contains("mirrors false"), resumed.err());
    }

    @Test
    void resumingWithoutRetypingTheFlagsContinuesWithTheStoredSettings() throws Exception {
        CliRunner.Run r = resume("--epochs", "2", "--lr", "0.003");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("resuming after epoch 1"), r.err());
        JsonNode state = new ObjectMapper().readTree(run.resolve("checkpoints/epoch-002/state.json").toFile());
        JsonNode settings = state.get("settings");
        assertEquals(2, settings.get("epochs").asInt());
        assertEquals(0.003, settings.get("learningRate").asDouble(), 0);
        assertEquals(3, settings.get("batchSize").asInt());
        assertEquals(5, settings.get("seed").asLong());
        assertEquals(false, settings.get("validateCider").asBoolean());
        assertEquals(64, state.get("config").get("hiddenSize").asInt());
    }

    @Test
    void aSelfCriticalRunWithAHallucinationPenaltyResumesAsItself() throws Exception {
        Path scst = tmp.resolve("scst");
        List<String> args = new ArrayList<>(base(scst));
        args.addAll(List.of("--init-from", run.toString(), "--objective", "self-critical", "--samples", "2",
                "--batch-size", "4", "--lr", "1e-4", "--epochs", "1", "--seed", "5", "--select", "loss",
                "--hallucination-penalty", "0.5"));
        CliRunner.Run first = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, first.status(), first.err());
        // Neither --objective nor the penalty retyped, then the penalty alone: the run's own objective.
        for (String[] more : new String[][] {{"--epochs", "2"}, {"--epochs", "3", "--hallucination-penalty", "0.5"}}) {
            List<String> again = new ArrayList<>(base(scst));
            again.add("--resume");
            again.addAll(List.of(more));
            CliRunner.Run r = CliRunner.run(again.toArray(String[]::new));
            assertEquals(0, r.status(), r.err());
        }
        JsonNode settings = new ObjectMapper().readTree(scst.resolve("checkpoints/epoch-003/state.json").toFile())
                .get("settings");
        assertEquals("SELF_CRITICAL", settings.get("objective").asText());
        assertEquals(0.5, settings.get("hallucinationPenalty").asDouble(), 0);
        // A cross-entropy run has no reward to take a penalty from.
        CliRunner.Run ce = resume("--hallucination-penalty", "0.5");
        assertEquals(2, ce.status(), ce.err());
        assertTrue(ce.err().contains("self-critical"), ce.err());
    }

    @Test
    void aCheckpointWrittenBeforeMirrorImagesExistedStillResumes() throws Exception {
        Path old = tmp.resolve("old-run");
        copyTree(run, old);
        int completed = 0;
        try (var files = Files.walk(old.resolve("checkpoints"))) {
            for (Path state : files.filter(f -> f.getFileName().toString().equals("state.json")).toList()) {
                ObjectNode json = (ObjectNode) new ObjectMapper().readTree(state.toFile());
                // What a checkpoint of an earlier version holds: no "mirrors" among its settings.
                ((ObjectNode) json.get("settings")).remove("mirrors");
                new ObjectMapper().writeValue(state.toFile(), json);
                completed = Math.max(completed, json.get("completedEpochs").asInt());
            }
        }
        List<String> args = new ArrayList<>(base(old));
        args.addAll(List.of("--resume", "--epochs", String.valueOf(completed + 1)));
        CliRunner.Run r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("resuming after epoch " + completed), r.err());
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
