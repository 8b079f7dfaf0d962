package org.captioner.spark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.captioner.caption.CaptionOptions;
import org.captioner.metrics.CocoCaptionFiles;

/**
 * {@code ./captioner spark-caption} and the class {@code spark-submit --class} runs: captions
 * every image under the given paths with {@link CaptionJob} and writes Parquet (default), JSON
 * lines or a COCO results file under {@code --output}. Exit status 0 when every file was captioned,
 * 1 when some failed (they are rows with an error), 2 for usage errors.
 */
public final class SparkCaptionMain {

    private SparkCaptionMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static Options options() {
        Options o = new Options();
        o.addOption(opt("master", "URL", "Spark master (default: spark-submit's, else local[*])"));
        o.addOption(opt("format", "FMT", "parquet (default), jsonl or coco (one results.json)"));
        o.addOption(opt("model", "BUNDLE", "model bundle folder on every machine (shared storage), or shipped"
                + " with spark-submit --archives; default models/default"));
        o.addOption(opt("encoder", "NAME", "one of the bundle's encoder variants, e.g. int8 for models/default"
                + " (default: the bundle's own encoder)"));
        o.addOption(opt("beam", "K", "beam width (default: the bundle's)"));
        o.addOption(opt("n-best", "N", "captions per image (default 1; at most the beam width)"));
        o.addOption(opt("rerank", "on|off|W", "reorder each photo's beam captions by the search's score plus W"
                + " times the bundle's caption matcher's cosine: 'on' the bundle's weight, 'off' the search's order"
                + " (default on)"));
        o.addOption(opt("partitions", "N", "tasks to split the files into (default: Spark's choice)"));
        o.addOption(opt("glob", "PATTERN", "only files whose names match, e.g. *.jpg"));
        o.addOption(opt("task-threads", "N", "libtorch threads per task; match spark.task.cpus (default 1)"));
        o.addOption(Option.builder().longOpt("output").hasArg().argName("DIR").desc("output folder (must not exist)")
                .build());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help and exit").build());
        return o;
    }

    private static Option opt(String name, String arg, String description) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(description).build();
    }

    static int run(String[] args) {
        CommandLine line;
        try {
            line = new DefaultParser().parse(options(), args);
        } catch (ParseException e) {
            return usage(e.getMessage());
        }
        if (line.hasOption("help")) {
            new HelpFormatter().printHelp("./captioner spark-caption [options] --output DIR PATH...",
                    "Caption every image under PATH... (files or folders on any Hadoop file system) with Apache Spark.",
                    options(), "");
            return 0;
        }
        CaptionJob.Settings settings;
        String format;
        String output;
        try {
            if (line.getArgList().isEmpty()) {
                return usage("give at least one file or folder to caption");
            }
            if (!line.hasOption("output")) {
                return usage("--output DIR is required");
            }
            format = line.getOptionValue("format", "parquet");
            if (!List.of("parquet", "jsonl", "coco").contains(format)) {
                return usage("--format must be parquet, jsonl or coco, got '" + format + "'");
            }
            output = line.getOptionValue("output");
            if (!output.contains(":/")) {
                if (Files.exists(Path.of(output))) {
                    return usage("--output " + output + " already exists; give a new folder");
                }
                output = Path.of(output).toAbsolutePath().normalize().toUri().toString();
            } else if (format.equals("coco")) {
                return usage("--format coco writes one results.json on this machine: give a local --output folder");
            }
            int beam = Sessions.intOption(line, "beam", 0, 1, 100);
            int nBest = Sessions.intOption(line, "n-best", 1, 1, 100);
            if (beam > 0 && nBest > beam) {
                return usage("--n-best " + nBest + " is larger than the beam width " + beam);
            }
            Path home = Path.of(System.getProperty("captioner.home", ".")).toAbsolutePath().normalize();
            String model = line.getOptionValue("model", home.resolve("models/default").toString());
            List<String> inputs = new ArrayList<>();
            for (String a : line.getArgList()) {
                inputs.add(a.contains(":/") ? a : Path.of(a).toAbsolutePath().normalize().toUri().toString());
            }
            settings = new CaptionJob.Settings(inputs, line.getOptionValue("glob"),
                    model.contains(":/") ? model : Path.of(model).toAbsolutePath().normalize().toString(),
                    line.getOptionValue("encoder"), beam, nBest,
                    CaptionOptions.parseRerank(line.getOptionValue("rerank", "on")),
                    Sessions.intOption(line, "partitions", 0, 1, 1_000_000),
                    Sessions.intOption(line, "task-threads", 1, 1, 256),
                    org.captioner.image.PhotoReader.DEFAULT_MAX_BYTES);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        SparkSession spark = Sessions.start("captioner spark-caption", line.getOptionValue("master"));
        try {
            return captionAndWrite(spark, settings, format, output);
        } catch (Exception e) {
            System.err.println("captioner spark-caption: " + e.getMessage());
            return 1;
        } finally {
            spark.stop();
        }
    }

    /** @param output a URI (file:, hdfs:, s3a:, ...); for coco a file: URI */
    private static int captionAndWrite(SparkSession spark, CaptionJob.Settings settings, String format, String output)
            throws IOException {
        LongAccumulator loads = spark.sparkContext().longAccumulator("model loads");
        long begin = System.nanoTime();
        Dataset<Row> rows = CaptionJob.caption(spark, settings, loads);
        long total;
        long failed;
        String target = output;
        switch (format) {
            case "parquet" -> rows.write().parquet(target);
            case "jsonl" -> rows.write().json(target);
            default -> { }
        }
        if (format.equals("coco")) {
            long[] counts = writeCoco(rows, Path.of(java.net.URI.create(output)));
            total = counts[0];
            failed = counts[1];
        } else {
            // Counted from what was written: the rows themselves would be captioned again.
            // With the job's schema: JSON lines leave null fields out, so a run without errors has no error column.
            Dataset<Row> written = format.equals("parquet") ? spark.read().parquet(target)
                    : spark.read().schema(CaptionJob.SCHEMA).json(target);
            total = written.count();
            failed = written.filter("error is not null").count();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        System.err.printf(Locale.ROOT, "%d images: %d captioned, %d failed, in %.1f s (%.1f images/s); model loaded %d"
                + " times (once per executor JVM); wrote %s%n", total, total - failed, failed, seconds, total / seconds,
                loads.value(), output);
        return failed == 0 ? 0 : 1;
    }

    /** COCO results {@code [{"image_id", "caption"}]} in one file, streamed from the executors. */
    private static long[] writeCoco(Dataset<Row> rows, Path output) throws IOException {
        Files.createDirectories(output);
        long total = 0;
        long failed = 0;
        try (BufferedWriter out = Files.newBufferedWriter(output.resolve("results.json"), StandardCharsets.UTF_8);
                var json = new com.fasterxml.jackson.databind.ObjectMapper().getFactory().createGenerator(out)) {
            json.writeStartArray();
            // Computed once, by all executors at once, before the rows are streamed here (toLocalIterator
            // alone would caption one partition after another).
            Dataset<Row> computed = rows.select("file", "caption", "error")
                    .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            computed.count();
            Iterator<Row> it = computed.toLocalIterator();
            while (it.hasNext()) {
                Row r = it.next();
                total++;
                if (r.isNullAt(1)) {
                    failed++;
                    System.err.println("captioner: " + r.getString(0) + ": " + r.getString(2));
                } else {
                    CocoCaptionFiles.writeResult(json, r.getString(0), r.getString(1));
                }
            }
            json.writeEndArray();
        }
        return new long[] {total, failed};
    }

    private static int usage(String message) {
        return Sessions.usage("spark-caption", message);
    }
}
