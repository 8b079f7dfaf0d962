package org.captioner.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.captioner.data.CaptionDataset;
import org.captioner.data.CaptionedImage;
import org.captioner.data.DatasetFormat;
import org.captioner.data.Split;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.encoder.Preprocessing;
import org.captioner.features.FeatureStore;

/**
 * {@code ./captioner spark-features}: {@code ./captioner features} spread over a Spark cluster
 * ({@link FeatureJob}); the cache it writes is the CLI's, for {@code ./captioner train}.
 */
public final class SparkFeaturesMain {

    private SparkFeaturesMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static Options options() {
        Options o = new Options();
        for (String[] a : new String[][] {
            {"master", "URL", "Spark master (default: spark-submit's, else local[*])"},
            {"dataset", "FORMAT", "flickr8k, flickr30k, karpathy or coco"},
            {"data-dir", "DIR", "the dataset folder, on every worker's file system"},
            {"images", "DIR", "image folder if not the layout's usual one"},
            {"splits", "LIST", "comma-separated splits to extract (default train,dev,test)"},
            {"encoder", "PATH", "the CNN (TorchScript file, on every worker)"},
            {"preprocess", "MODE", "crop (default) or squash, as for ./captioner features"},
            {"out", "DIR", "feature cache folder on storage every worker mounts"},
            {"partitions", "N", "tasks to split the images into (default: Spark's choice)"},
            {"batch-size", "N", "images per encoder call (default 8)"},
            {"task-threads", "N", "libtorch threads per task; match spark.task.cpus (default 1)"}}) {
            o.addOption(Option.builder().longOpt(a[0]).hasArg().argName(a[1]).desc(a[2]).build());
        }
        o.addOption(Option.builder("h").longOpt("help").desc("show this help and exit").build());
        return o;
    }

    static int run(String[] args) {
        CommandLine line;
        try {
            line = new DefaultParser().parse(options(), args);
        } catch (ParseException e) {
            return usage(e.getMessage());
        }
        if (line.hasOption("help")) {
            new HelpFormatter().printHelp("./captioner spark-features --dataset F --data-dir DIR --encoder PATH --out DIR",
                    "Extract a dataset's image features with Apache Spark into ./captioner's feature cache.", options(), "");
            return 0;
        }
        for (String required : List.of("dataset", "data-dir", "encoder", "out")) {
            if (!line.hasOption(required)) {
                return usage("--" + required + " is required");
            }
        }
        List<FeatureJob.Image> images = new ArrayList<>();
        FeatureJob.Settings settings;
        try {
            // Values first: a typo fails at once, before the dataset is read and the encoder loaded.
            int partitions = Sessions.intOption(line, "partitions", 0, 1, 1_000_000);
            int batchSize = Sessions.intOption(line, "batch-size", 8, 1, 1024);
            int taskThreads = Sessions.intOption(line, "task-threads", 1, 1, 256);
            CaptionDataset dataset = DatasetFormat.parse(line.getOptionValue("dataset")).open(
                    Path.of(line.getOptionValue("data-dir")),
                    line.hasOption("images") ? Path.of(line.getOptionValue("images")) : null);
            for (String s : line.getOptionValue("splits", "train,dev,test").split(",")) {
                for (CaptionedImage i : dataset.split(Split.parse(s.strip())).images()) {
                    images.add(new FeatureJob.Image(i.id(), i.image().toAbsolutePath().toString()));
                }
            }
            String preprocessing = line.getOptionValue("preprocess", "crop");
            String encoder = Path.of(line.getOptionValue("encoder")).toAbsolutePath().toString();
            String out = Path.of(line.getOptionValue("out")).toAbsolutePath().toString();
            // The store's identity is written once, here, before tasks open it side by side.
            try (ImageEncoder e = ImageEncoder.load(EncoderSource.parse(encoder), Preprocessing.parse(preprocessing))) {
                FeatureStore.open(Path.of(out), e.identity());
            }
            settings = new FeatureJob.Settings(encoder, preprocessing, out, partitions, batchSize, taskThreads);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (Exception e) {
            System.err.println("captioner spark-features: " + e.getMessage());
            return 1;
        }
        SparkSession spark = Sessions.start("captioner spark-features", line.getOptionValue("master"));
        try {
            LongAccumulator loads = spark.sparkContext().longAccumulator("encoder loads");
            long begin = System.nanoTime();
            FeatureJob.Report report = FeatureJob.extract(spark, images, settings, loads);
            double seconds = (System.nanoTime() - begin) / 1e9;
            System.err.printf(Locale.ROOT, "%d images encoded in %.1f s (%.1f images/s), %d already cached, %d failed;"
                    + " encoder loaded %d times%n", report.encoded(), seconds, report.encoded() / seconds,
                    report.alreadyStored(), report.failed().size(), loads.value());
            report.failed().forEach(f -> System.err.println("failed: " + f));
            System.out.println(settings.store());
            return report.failed().isEmpty() ? 0 : 1;
        } catch (Exception e) {
            System.err.println("captioner spark-features: " + e.getMessage());
            return 1;
        } finally {
            spark.stop();
        }
    }

    private static int usage(String message) {
        return Sessions.usage("spark-features", message);
    }
}
