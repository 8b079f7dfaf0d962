package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.captioner.ProjectFiles;
import org.captioner.caption.ImageInput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caption command against inputs that once destroyed data, hung or ran away. */
class HostileInputsTest {

    @TempDir
    static Path tmp;
    static Path bundle;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void setUp() throws Exception {
        bundle = ShapesBundle.get().bundle;
    }

    private static Path photos(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.copy(ProjectFiles.sample("kitten.jpg"), dir.resolve("kitten.jpg"));
        Files.copy(ProjectFiles.sample("fox.png"), dir.resolve("fox.png"));
        return dir;
    }

    @Test
    void anOutputThatIsAnInputOrInsideAnInputFolderIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path dir = photos("output-clash");
        byte[] kitten = Files.readAllBytes(dir.resolve("kitten.jpg"));
        CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), "--format", "jsonl", "--output",
                dir.resolve("kitten.jpg").toString(), dir.toString());
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("inside"), run.err());
        assertArrayEquals(kitten, Files.readAllBytes(dir.resolve("kitten.jpg")), "the input is untouched");

        run = CliRunner.run("caption", "--model", bundle.toString(), "--output", dir.resolve("kitten.jpg").toString(),
                dir.resolve("kitten.jpg").toString());
        assertEquals(2, run.status(), run.err());
        assertArrayEquals(kitten, Files.readAllBytes(dir.resolve("kitten.jpg")));

        run = CliRunner.run("caption", "--model", bundle.toString(), "--output", dir.resolve("new.txt").toString(),
                dir.toString());
        assertEquals(2, run.status(), run.err());
        assertFalse(Files.exists(dir.resolve("new.txt")));
    }

    @Test
    void anOutputReachedThroughALinkInsideAnInputFolderIsLeftAsItWas() throws Exception {
        Path dir = photos("link-clash");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.copy(ProjectFiles.sample("dog-cat.jpg"), elsewhere.resolve("photo.jpg"));
        byte[] photo = Files.readAllBytes(elsewhere.resolve("photo.jpg"));
        Files.createSymbolicLink(dir.resolve("extlink"), elsewhere);
        CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), "--output",
                elsewhere.resolve("photo.jpg").toString(), dir.toString());
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("among the images"), run.err());
        assertArrayEquals(photo, Files.readAllBytes(elsewhere.resolve("photo.jpg")));
        try (var files = Files.list(elsewhere)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void outputsKeepTheirPermissionsAndPipesAreWrittenNotReplaced() throws Exception {
        Path dir = photos("modes");
        Path out = tmp.resolve("modes.txt");
        Files.writeString(out, "old");
        Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(0, CliRunner.run("caption", "--model", bundle.toString(), "--output", out.toString(),
                dir.toString()).status());
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(out)));
        assertEquals(2, Files.readAllLines(out).size());

        Path fifo = tmp.resolve("results.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        java.util.concurrent.CompletableFuture<String> reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CliRunner.Run run = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> CliRunner.run("caption", "--model",
                bundle.toString(), "--output", fifo.toString(), dir.toString()));
        assertEquals(0, run.status(), run.err());
        assertEquals(2, reader.get(30, java.util.concurrent.TimeUnit.SECONDS).strip().split("\n").length);
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the pipe is still a pipe");
    }

    @Test
    void anExistingOutputIsReplacedWholeAndNoTemporaryFileIsLeft() throws Exception {
        Path dir = photos("replace");
        Path out = tmp.resolve("replace-results.json");
        Files.writeString(out, "old contents that are longer than what replaces them, to show no tail is left behind "
                .repeat(50));
        CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), "--format", "coco", "--output",
                out.toString(), dir.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(2, JSON.readTree(out.toFile()).size());
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".part")), "temporary file left");
        }
    }

    @Test
    void aPipeIsReportedAndSkippedInsteadOfHangingTheRun() throws Exception {
        Path dir = photos("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("b.jpg").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        CliRunner.Run run = assertTimeoutPreemptively(Duration.ofSeconds(120),
                () -> CliRunner.run("caption", "--model", bundle.toString(), dir.toString()));
        assertEquals(1, run.status(), run.err());
        assertEquals(2, run.out().strip().split("\n").length, run.out());
        assertTrue(run.err().contains("b.jpg") && run.err().contains("not a regular file"), run.err());
    }

    @Test
    void linkLoopsAndSecondNamesNeverCaptionAFileTwice() throws Exception {
        Path dir = photos("loops");
        Files.createSymbolicLink(dir.resolve("self"), Path.of("."));
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub/up"), Path.of(".."));
        Files.createSymbolicLink(dir.resolve("again.jpg"), Path.of("kitten.jpg"));
        // And one met after the file itself (z sorts last): the key of a file met directly is kept too.
        Files.createSymbolicLink(dir.resolve("zz-fox.png"), Path.of("fox.png"));
        CliRunner.Run run = assertTimeoutPreemptively(Duration.ofSeconds(120),
                () -> CliRunner.run("caption", "--model", bundle.toString(), dir.toString(), dir.toString()));
        assertEquals(0, run.status(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(2, lines.length, run.out());
        assertTrue(run.err().contains("self: skipped"), run.err());
        assertTrue(run.err().contains("up: skipped"), run.err());
    }

    @Test
    void anUnlistableFolderIsReportedAndTheRestIsStillWalked() throws Exception {
        Path dir = photos("locked");
        Path locked = Files.createDirectories(dir.resolve("sub_locked"));
        Files.copy(ProjectFiles.sample("mountains.png"), locked.resolve("m.png"));
        List<String> notes = new ArrayList<>();
        // As root chmod 000 does not stop a listing, so the refusal is the lister's.
        ImagePaths paths = new ImagePaths(List.of(dir), notes::add, folder -> {
            if (folder.equals(locked)) {
                throw new AccessDeniedException(folder.toString());
            }
            try (var s = Files.list(folder)) {
                return s.toList();
            }
        });
        List<String> names = new ArrayList<>();
        paths.forEachRemaining((ImageInput i) -> names.add(Path.of(i.name()).getFileName().toString()));
        assertEquals(List.of("fox.png", "kitten.jpg"), names);
        assertEquals(1, paths.unlistableFolders());
        assertTrue(notes.get(0).contains("sub_locked") && notes.get(0).contains("cannot list"), notes.toString());
    }

    @Test
    void textEscapesTabsAndNewlinesInFileNamesSoEachCaptionStaysOneLine() throws Exception {
        Path dir = photos("names");
        Files.copy(ProjectFiles.sample("kitten.jpg"), dir.resolve("new\nline.jpg"));
        Files.copy(ProjectFiles.sample("kitten.jpg"), dir.resolve("a\ttab.jpg"));
        CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), dir.toString());
        assertEquals(0, run.status(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(4, lines.length, run.out());
        for (String line : lines) {
            assertEquals(2, line.split("\t").length, line);
        }
        assertTrue(run.out().contains("new\\nline.jpg\t") && run.out().contains("a\\ttab.jpg\t"), run.out());
    }

    @Test
    void csvKeepsTheNBestAlternativesRankedLikeTextAndJsonl() throws Exception {
        Path dir = photos("csv");
        CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), "--format", "csv", "--beam", "3",
                "--n-best", "2", dir.toString());
        assertEquals(0, run.status(), run.err());
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(run.out())).getRecords();
        assertEquals(4, rows.size(), run.out());
        assertEquals(List.of("1", "2", "1", "2"), rows.stream().map(r -> r.get("rank")).toList());
        assertTrue(Double.parseDouble(rows.get(0).get("score")) >= Double.parseDouble(rows.get(1).get("score")));
    }

    /** {@code count} random 48×48 PNGs named 00000.png... in {@code dir}: many small photos to stop midway. */
    private static List<String> randomPhotos(Path dir, int count, long seed) throws Exception {
        Files.createDirectories(dir);
        java.util.Random random = new java.util.Random(seed);
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(48, 48,
                    java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            String name = String.format("%05d.png", i);
            javax.imageio.ImageIO.write(image, "png", dir.resolve(name).toFile());
            names.add(name);
        }
        return names;
    }

    /**
     * Runs the CLI with {@code args} (which must show a progress bar) in its own JVM, sends it
     * SIGTERM 1.5 s after its bar has started (the stop hook is in place and the first batch most
     * likely done; a fixed wait from the JVM's start let a fast machine finish first, and the bar's
     * first line alone let CI stop a run before its first batch), and returns what it printed once it
     * has exited with the signal's status and without a crash. The callers' 1,500 photos take
     * seconds even on a many-core machine.
     */
    private static String runAndStop(String name, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true",
                "-Dcaptioner.home=" + ProjectFiles.root(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        // The child finds the encoder where this JVM does (ShapesBundle points there; without it a
        // clone with nothing beside it has no ../shared/models/encoders to fall back on).
        String encoderDir = System.getProperty("captioner.encoderDir");
        if (encoderDir != null) {
            command.add(1, "-Dcaptioner.encoderDir=" + encoderDir);
        }
        command.addAll(List.of(args));
        Path out = tmp.resolve(name + "-out.txt");
        Path err = tmp.resolve(name + "-err.txt");
        Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (child.isAlive() && System.nanoTime() < deadline && !Files.readString(err).contains(" img (")) {
            Thread.sleep(20);
        }
        // The bar's first line comes before the first batch is done: give the run a moment to be mid-way.
        Thread.sleep(1500);
        assertTrue(child.isAlive(), () -> "finished before it could be interrupted: " + read(err));
        // SIGTERM takes the same path as Ctrl-C (the JVM's shutdown hooks), and unlike SIGINT it is not
        // ignored by processes started in the background of a non-interactive shell, as CI may start us.
        assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(child.pid())).start().waitFor());
        assertTrue(child.waitFor(90, java.util.concurrent.TimeUnit.SECONDS), "did not stop after the signal");
        String printed = Files.readString(out) + Files.readString(err);
        // 143 is the signal's status; 130 when the command's own exit call wins the race with the JVM's halt.
        assertTrue(child.exitValue() == 143 || child.exitValue() == 130, child.exitValue() + ": " + printed);
        assertFalse(printed.contains("SIGSEGV") || printed.contains("fatal error"), printed);
        return printed;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    @Test
    void aStopSignalEndsTheRunCleanlyWithAValidCocoFile() throws Exception {
        Path dir = tmp.resolve("many");
        int total = randomPhotos(dir, 1500, 5).size();
        Path out = tmp.resolve("interrupted.json");
        String printed = runAndStop("int", "caption", "--model", bundle.toString(), "--progress", "--format", "coco",
                "--output", out.toString(), dir.toString());
        // A signal that beats the first batch leaves no file (there was none before); CI once got there.
        // That is right, but it is not what this test is for: it shows as skipped, not passed.
        if (printed.contains("before any image was captioned")) {
            assertFalse(Files.exists(out), "an output existed although nothing was captioned");
            org.junit.jupiter.api.Assumptions.abort("the signal came before the first batch was done");
        }
        JsonNode results = JSON.readTree(out.toFile());
        assertTrue(results.isArray() && results.size() > 0 && results.size() < total, "entries: " + results.size());
        assertTrue(printed.contains("interrupted after " + results.size() + " images"), printed);
    }

    @Test
    void aStopSignalEndsAnEvaluationWithoutScoresOrACrash() throws Exception {
        // A Flickr8k-format split of many small photos, so that the signal arrives mid-evaluation.
        Path root = tmp.resolve("eval-data");
        StringBuilder tokens = new StringBuilder();
        StringBuilder test = new StringBuilder();
        for (String name : randomPhotos(root.resolve("images"), 1500, 6)) {
            tokens.append(name).append("#0\ta red square .\n");
            test.append(name).append('\n');
        }
        Files.writeString(root.resolve("Flickr8k.token.txt"), tokens);
        Files.writeString(root.resolve("Flickr_8k.testImages.txt"), test);
        Files.writeString(root.resolve("Flickr_8k.trainImages.txt"), "");
        Files.writeString(root.resolve("Flickr_8k.devImages.txt"), "");
        Path out = tmp.resolve("eval-out");
        String printed = runAndStop("eval", "evaluate", "--model", bundle.toString(), "--dataset", "flickr8k",
                "--data-dir", root.toString(), "--split", "test", "--out", out.toString());
        assertTrue(printed.contains("no scores were written"), printed);
        assertFalse(Files.exists(out.resolve("metrics.json")), "no scores of part of a split");
    }
}
