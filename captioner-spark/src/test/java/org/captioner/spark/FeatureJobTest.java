package org.captioner.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.captioner.ProjectFiles;
import org.captioner.data.CaptionedImage;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.encoder.Preprocessing;
import org.captioner.features.FeatureExtractor;
import org.captioner.features.FeatureStore;
import org.captioner.image.PhotoReader;
import org.captioner.progress.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distributed feature extraction writes the cache ./captioner features writes, vector for vector. */
class FeatureJobTest {

    @TempDir
    Path tmp;

    @Test
    void theSparkCacheHoldsTheCliVectorsUnderTheSameEncoderIdentity() throws Exception {
        List<CaptionedImage> images = new ArrayList<>();
        for (String s : List.of("kitten.jpg", "fox.png", "dog-cat.jpg", "mountains.png")) {
            images.add(new CaptionedImage(s, ProjectFiles.sample(s), List.of("a caption")));
        }
        Path broken = Files.writeString(tmp.resolve("broken.jpg"), "not an image");
        images.add(new CaptionedImage("broken.jpg", broken, List.of("a caption")));
        String encoderPath = ProjectFiles.encoder().toString();

        Path cliRoot = tmp.resolve("cli");
        FeatureStore cli;
        try (ImageEncoder encoder = ImageEncoder.load(EncoderSource.parse(encoderPath), Preprocessing.parse("squash"))) {
            cli = FeatureStore.open(cliRoot, encoder.identity());
            new FeatureExtractor(encoder, new PhotoReader(), 8).extract(images, cli, Progress.NONE);
            FeatureStore.open(tmp.resolve("spark"), encoder.identity());
        }

        List<FeatureJob.Image> inputs = images.stream().map(i -> new FeatureJob.Image(i.id(), i.image().toString())).toList();
        SparkSession spark = SparkSession.builder().master("local[2]").appName("feature-job-test")
                .config("spark.ui.enabled", "false").getOrCreate();
        FeatureJob.Report report;
        long loads;
        try {
            LongAccumulator counter = spark.sparkContext().longAccumulator("encoder loads");
            report = FeatureJob.extract(spark, inputs,
                    new FeatureJob.Settings(encoderPath, "squash", tmp.resolve("spark").toString(), 3, 8, 1), counter);
            loads = counter.value();
            // A second run finds everything stored: it continues, it does not redo.
            FeatureJob.Report again = FeatureJob.extract(spark, inputs,
                    new FeatureJob.Settings(encoderPath, "squash", tmp.resolve("spark").toString(), 3, 8, 1), counter);
            assertEquals(0, again.encoded());
            assertEquals(4, again.alreadyStored());
        } finally {
            spark.stop();
        }
        assertEquals(4, report.encoded());
        assertEquals(1, report.failed().size(), report.failed().toString());
        assertTrue(report.failed().get(0).contains("broken.jpg"), report.failed().toString());
        assertEquals(1, loads, "one encoder per executor JVM");

        FeatureStore spark2 = FeatureStore.openExisting(tmp.resolve("spark"));
        assertEquals(cli.identity(), spark2.identity());
        for (CaptionedImage i : images.subList(0, 4)) {
            assertArrayEquals(cli.get(i.id()), spark2.get(i.id()), 1e-6f, i.id());
        }
    }
}
