package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.captioner.ProjectFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnsembleCommandTest {

    @TempDir
    Path tmp;

    @Test
    void combinesBundlesAndCaptionsWithThem() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        Path out = tmp.resolve("ensemble");
        CliRunner.Run run = CliRunner.run("ensemble", "--out", out.toString(), b.bundle.toString(), b.bundle.toString());
        assertEquals(0, run.status(), run.err());
        JsonNode info = new ObjectMapper().readTree(out.resolve("bundle.json").toFile());
        assertEquals(1, info.get("members").size());
        // Each member keeps how it was trained.
        JsonNode memberInfo = new ObjectMapper().readTree(b.bundle.resolve("bundle.json").toFile());
        assertEquals(memberInfo.get("provenance").get("settings"),
                info.get("members").get(0).get("provenance").get("settings"));
        assertEquals(memberInfo.get("provenance").get("history"),
                info.get("members").get(0).get("provenance").get("history"));
        assertTrue(Files.exists(out.resolve("decoder-2.params")));
        // Two copies of one decoder give that decoder's captions.
        Path kitten = ProjectFiles.sample("kitten.jpg");
        CliRunner.Run single = CliRunner.run("caption", "--model", b.bundle.toString(), kitten.toString());
        CliRunner.Run pair = CliRunner.run("caption", "--model", out.toString(), kitten.toString());
        assertEquals(0, pair.status(), pair.err());
        assertEquals(single.out(), pair.out());
    }

    @Test
    void float16EnsembleIsHalfTheSizeAndCaptions() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        Path out = tmp.resolve("half");
        CliRunner.Run run = CliRunner.run("ensemble", "--float16", "--out", out.toString(), b.bundle.toString(),
                b.bundle.toString());
        assertEquals(0, run.status(), run.err());
        for (String params : List.of("decoder.params", "decoder-2.params")) {
            double ratio = (double) Files.size(out.resolve(params)) / Files.size(b.bundle.resolve("decoder.params"));
            assertTrue(ratio < 0.55, params + " is " + ratio + " of the float32 file");
        }
        Path kitten = ProjectFiles.sample("kitten.jpg");
        CliRunner.Run caption = CliRunner.run("caption", "--model", out.toString(), kitten.toString());
        assertEquals(0, caption.status(), caption.err());
        assertTrue(caption.out().contains("kitten.jpg"), caption.out());
    }

    @Test
    void oneAttentionBundleIsReStoredAtHalfSizeAndCaptionsAsBefore() throws Exception {
        Path attending = ShapesBundle.get().attentionBundle();
        Path out = tmp.resolve("half-attention");
        CliRunner.Run run = CliRunner.run("ensemble", "--float16", "--out", out.toString(), attending.toString());
        assertEquals(0, run.status(), run.err());
        JsonNode info = new ObjectMapper().readTree(out.resolve("bundle.json").toFile());
        assertEquals(0, info.get("members").size());
        assertTrue(info.get("decoder").get("attentionSize").asInt() > 0, info.toString());
        double ratio = (double) Files.size(out.resolve("decoder.params")) / Files.size(attending.resolve("decoder.params"));
        assertTrue(ratio < 0.55, "decoder.params is " + ratio + " of the float32 file");
        Path kitten = ProjectFiles.sample("kitten.jpg");
        CliRunner.Run before = CliRunner.run("caption", "--model", attending.toString(), kitten.toString());
        CliRunner.Run after = CliRunner.run("caption", "--model", out.toString(), kitten.toString());
        assertEquals(0, after.status(), after.err());
        assertEquals(before.out(), after.out());
    }

    @Test
    void oneBundleWithoutFloat16IsRefused() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        CliRunner.Run run = CliRunner.run("ensemble", "--out", tmp.resolve("one").toString(), b.bundle.toString());
        assertEquals(2, run.status());
        assertTrue(run.err().contains("--float16"), run.err());
        assertTrue(Files.notExists(tmp.resolve("one")));
        // Nor may the result overwrite a bundle it reads.
        CliRunner.Run into = CliRunner.run("ensemble", "--float16", "--out", b.bundle.toString(), b.bundle.toString());
        assertEquals(2, into.status());
        assertTrue(into.err().contains("new folder"), into.err());
    }

    @Test
    void refusesBundlesWithDifferentVocabularies() throws Exception {
        ShapesBundle b = ShapesBundle.get();
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        for (String f : List.of("bundle.json", "decoder.params")) {
            Files.copy(b.bundle.resolve(f), other.resolve(f));
        }
        Files.writeString(other.resolve("vocabulary.json"), "[\"<pad>\",\"<start>\",\"<end>\",\"<unk>\",\"zebra\"]");
        CliRunner.Run run = CliRunner.run("ensemble", "--out", tmp.resolve("x").toString(), b.bundle.toString(),
                other.toString());
        assertEquals(1, run.status());
        assertTrue(run.err().contains("different vocabulary"), run.err());
    }
}
