package org.captioner.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.captioner.data.CaptionedImage;
import org.captioner.encoder.ImageEncoder;
import org.captioner.features.FeatureExtractor;
import org.captioner.features.FeatureStore;
import org.captioner.image.PhotoReader;
import org.captioner.progress.Progress;

/**
 * {@code ./captioner features} as a Spark job: a dataset's images are spread over tasks, and each
 * task runs the same {@link FeatureExtractor} as the CLI, with its executor's one encoder, into the
 * same {@link FeatureStore} (a folder every worker mounts), keyed by the encoder's identity. So
 * {@code ./captioner train} reads the result as it reads the CLI's, images already stored are
 * skipped (a re-run continues), and unreadable ones are recorded as failed.
 */
public final class FeatureJob {

    private FeatureJob() {}

    /** @param store the feature cache root (shared storage), as {@code features --out} takes it */
    public record Settings(String encoder, String preprocessing, String store, int partitions, int batchSize,
            int taskThreads) implements Serializable {}

    /** What the tasks did, summed. */
    public record Report(long encoded, long alreadyStored, List<String> failed) {}

    /** One image: its dataset id and file. */
    public record Image(String id, String path) implements Serializable {}

    public static Report extract(SparkSession spark, List<Image> images, Settings settings, LongAccumulator loads) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = settings.partitions() > 0 ? settings.partitions() : context.defaultParallelism();
        JavaRDD<Image> rdd = context.parallelize(images, Math.max(1, partitions));
        List<String> lines = rdd.mapPartitions(new Partition(settings, loads)).collect();
        long encoded = 0;
        long stored = 0;
        List<String> failed = new ArrayList<>();
        for (String line : lines) {
            String[] parts = line.split("\t", 2);
            switch (parts[0]) {
                case "encoded" -> encoded += Long.parseLong(parts[1]);
                case "stored" -> stored += Long.parseLong(parts[1]);
                default -> failed.add(parts[1]);
            }
        }
        return new Report(encoded, stored, failed);
    }

    /** Encodes one partition's images into the shared store; yields counts and failures as lines. */
    private static final class Partition implements FlatMapFunction<Iterator<Image>, String> {
        private final Settings settings;
        private final LongAccumulator loads;

        Partition(Settings settings, LongAccumulator loads) {
            this.settings = settings;
            this.loads = loads;
        }

        @Override
        public Iterator<String> call(Iterator<Image> images) throws Exception {
            List<CaptionedImage> batch = new ArrayList<>();
            images.forEachRemaining(i -> batch.add(new CaptionedImage(i.id(), Path.of(i.path()), List.of())));
            if (batch.isEmpty()) {
                return List.<String>of().iterator();
            }
            ExecutorModels.LoadedEncoder loaded = ExecutorModels.encoder(settings.encoder(), settings.preprocessing(),
                    settings.taskThreads());
            if (loaded.loadedNow()) {
                loads.add(1);
            }
            ImageEncoder encoder = loaded.encoder();
            FeatureStore store = FeatureStore.open(Path.of(settings.store()), encoder.identity());
            FeatureExtractor.Report report = new FeatureExtractor(encoder, new PhotoReader(), settings.batchSize())
                    .extract(batch, store, Progress.NONE);
            List<String> out = new ArrayList<>();
            out.add("encoded\t" + report.encoded());
            out.add("stored\t" + report.alreadyStored());
            report.failed().forEach(f -> out.add("failed\t" + f));
            return out.iterator();
        }
    }
}
