package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.captioner.TrainedShapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./captioner train} killed with SIGKILL in the middle of a run, then resumed, ends with
 * exactly the parameters of a run that was never interrupted.
 */
class TrainKillResumeTest {

    @TempDir
    Path tmp;

    private List<String> trainArgs(TrainedShapes shapes, Path out, int epochs) {
        return List.of("train", "--dataset", "flickr8k", "--data-dir", shapes.fixture.dir.toString(),
                "--features", shapes.store.dir().toString(), "--out", out.toString(), "--epochs", String.valueOf(epochs),
                "--batch-size", "2", "--embed", "64", "--hidden", "256", "--min-count", "1", "--lr", "0.003",
                "--select", "loss");
    }

    @Test
    void killedRunResumesExactly() throws Exception {
        TrainedShapes shapes = TrainedShapes.prepare(tmp.resolve("shapes"));
        Path straight = tmp.resolve("straight");
        CliRunner.Run s = CliRunner.run(trainArgs(shapes, straight, 4).toArray(String[]::new));
        assertEquals(0, s.status(), s.err());

        Path killed = tmp.resolve("killed");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(trainArgs(shapes, killed, 50));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path latest = killed.resolve("checkpoints/latest");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(latest) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(child.isAlive(), "child ended early: " + Files.readString(tmp.resolve("child.log")));
        child.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
        child.waitFor();
        String at = Files.readString(latest).strip();
        int completed = Integer.parseInt(at.substring("epoch-".length()));
        assertTrue(completed >= 1 && completed < 4, "killed after " + at);

        CliRunner.Run resumed = CliRunner.run(new ArrayList<>(trainArgs(shapes, killed, 4)) {{ add("--resume"); }}
                .toArray(String[]::new));
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.err().contains("resuming after epoch " + completed), resumed.err());
        assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoints/epoch-004/decoder.params")),
                Files.readAllBytes(killed.resolve("checkpoints/epoch-004/decoder.params")));
        assertArrayEquals(Files.readAllBytes(straight.resolve("decoder.params")),
                Files.readAllBytes(killed.resolve("decoder.params")));
    }
}
