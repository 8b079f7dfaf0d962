package org.captioner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.captioner.ProjectFiles;
import org.captioner.caption.CaptionResult;
import org.captioner.caption.Captioner;
import org.captioner.caption.EncoderResolver;
import org.captioner.caption.ImageInput;
import org.captioner.image.BadImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark job in local[2] on real photos and bad files: one row each, the CLI's captions, one model load. */
class CaptionJobTest {

    @TempDir
    Path tmp;

    @Test
    void everyFileGetsOneRowWithTheCaptionsTheCliWritesAndTheModelLoadsOnce() throws Exception {
        Path folder = tmp.resolve("photos");
        Files.createDirectories(folder.resolve("nested"));
        for (String s : List.of("kitten.jpg", "fox.png", "dog-cat.jpg", "mountains.png")) {
            Files.copy(ProjectFiles.sample(s), folder.resolve(s.startsWith("m") ? "nested/" + s : s));
        }
        // Spark lists files as percent-encoded URIs: a name with a space and a % must still be read.
        Files.copy(ProjectFiles.sample("kitten.jpg"), folder.resolve("my kitten 100%.jpg"));
        Map<String, Path> broken = BadImages.writeBroken(folder.resolve("bad"));
        Files.write(folder.resolve("bad/huge.jpg"), new byte[600_000]);
        Path model = ProjectFiles.defaultModel();

        SparkSession spark = SparkSession.builder().master("local[2]").appName("caption-job-test")
                .config("spark.ui.enabled", "false").getOrCreate();
        List<Row> rows;
        List<Row> twoEach;
        long loads;
        try {
            LongAccumulator counter = spark.sparkContext().longAccumulator("model loads");
            CaptionJob.Settings settings = new CaptionJob.Settings(List.of(folder.toUri().toString()), null,
                    model.toString(), null, 0, 1, null, 3, 1, 500_000);
            rows = CaptionJob.caption(spark, settings, counter).collectAsList();
            loads = counter.value();
            // Two captions a photo: the alternatives column (an array of structs) must encode.
            CaptionJob.Settings nBest = new CaptionJob.Settings(List.of(folder.resolve("nested").toUri().toString()),
                    null, model.toString(), null, 0, 2, null, 1, 1, 500_000);
            twoEach = CaptionJob.caption(spark, nBest, counter).collectAsList();
        } finally {
            spark.stop();
        }

        Map<String, Row> byName = new HashMap<>();
        for (Row r : rows) {
            String name = Path.of(r.getString(0).replaceFirst("^file:", "")).getFileName().toString();
            assertNull(byName.put(name, r), "one row per file: " + name);
        }
        assertEquals(5 + broken.size() + 1, rows.size(), byName.keySet().toString());
        assertEquals(byName.get("kitten.jpg").getString(1), byName.get("my kitten 100%.jpg").getString(1),
                byName.get("my kitten 100%.jpg").toString());
        assertEquals(1, loads, "one model per executor JVM (local mode: one JVM, 3 tasks)");

        // The CLI's captions for the same files: the same Captioner with the bundle's default search.
        List<ImageInput> inputs = new ArrayList<>();
        for (String s : List.of("kitten.jpg", "fox.png", "dog-cat.jpg", "nested/mountains.png")) {
            inputs.add(ImageInput.of(folder.resolve(s)));
        }
        try (Captioner captioner = Captioner.open(model, new EncoderResolver(null, List.of()))) {
            List<CaptionResult> cli = captioner.caption(inputs, captioner.defaultOptions());
            for (CaptionResult want : cli) {
                Row got = byName.get(Path.of(want.name()).getFileName().toString());
                assertEquals(want.best().text(), got.getString(1), want.name());
                assertNull(got.get(7));
                // The default bundle reranks its beam's captions: each row says how well its caption matches.
                double match = got.getDouble(got.fieldIndex("match"));
                assertTrue(match >= -1 && match <= 1, got.toString());
                assertEquals(want.best().match(), match, 1e-4, want.name());
                assertTrue(got.getInt(5) > 0 && got.getInt(6) > 0, "width and height");
                assertEquals(org.captioner.bundle.ModelBundle.id(model), got.getString(8));
            }
        }
        for (Path bad : broken.values()) {
            Row r = byName.get(bad.getFileName().toString());
            assertNull(r.get(1), bad.toString());
            assertNotNull(r.getString(7), bad.toString());
        }
        assertTrue(byName.get("huge.jpg").getString(7).contains("over the limit"), byName.get("huge.jpg").toString());
        assertEquals(1, twoEach.size());
        List<Row> alternatives = twoEach.get(0).getList(twoEach.get(0).fieldIndex("alternatives"));
        assertEquals(2, alternatives.size(), twoEach.toString());
        assertEquals(twoEach.get(0).getString(1), alternatives.get(0).getString(0), "the best caption comes first");
    }
}
