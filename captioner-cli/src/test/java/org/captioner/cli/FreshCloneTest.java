package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.captioner.ProjectFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command on a machine with nothing but the clone: the default model captions
 * the shipped samples with ../shared and every encoder folder pointing nowhere, and libtorch's
 * NNPACK warnings do not reach the user.
 */
class FreshCloneTest {

    @TempDir
    Path tmp;

    @Test
    void defaultModelCaptionsTheShippedSamplesWithoutSharedAndQuietly() throws Exception {
        Path root = ProjectFiles.root();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dcaptioner.home=" + root, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "caption", root.resolve("samples").toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile());
        Map<String, String> env = builder.environment();
        env.put("CAPTIONER_SHARED", tmp.resolve("nonexistent").toString());
        env.remove("CAPTIONER_ENCODER_DIR");
        env.remove("TORCH_CPP_LOG_LEVEL");
        Process child = builder.start();
        assertTrue(child.waitFor(240, TimeUnit.SECONDS), "caption did not finish");
        String out = Files.readString(tmp.resolve("out.txt"));
        String err = Files.readString(tmp.resolve("err.txt"));
        assertEquals(0, child.exitValue(), err);
        long samples;
        try (var files = Files.list(ProjectFiles.samples())) {
            samples = files.count();
        }
        assertEquals(samples, out.lines().filter(l -> l.contains("\t") && !l.endsWith("\t")).count(), out);
        assertFalse(err.contains("NNPACK"), err);
    }
}
