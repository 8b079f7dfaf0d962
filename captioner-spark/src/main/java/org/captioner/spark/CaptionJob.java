package org.captioner.spark;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.captioner.caption.CaptionOptions;
import org.captioner.caption.CaptionResult;
import org.captioner.caption.CaptionResultJson;
import org.captioner.caption.Captioner;
import org.captioner.caption.ImageInput;
import org.captioner.caption.ScoredCaption;
import org.captioner.image.ImageReadException;
import org.captioner.image.PhotoReader;

/**
 * Captions every image under some paths as a Spark job: Spark lists the files ({@code binaryFile}
 * source, recursive, any Hadoop file system) and spreads them over tasks; each task reads its
 * files, captions them in batches with its executor's one {@link Captioner} (the same encoder and
 * search the CLI uses) and yields one row per file. A file that cannot be read or decoded is a row
 * with an error, never a failed task; a task lost with its worker is re-run by Spark.
 */
public final class CaptionJob {

    private CaptionJob() {}

    /**
     * What to caption and how.
     *
     * @param encoder one of the bundle's encoder variants by name (it travels with the bundle), or
     *     null for the bundle's own encoder
     * @param beam beam width, 0 for the bundle's
     * @param rerank the weight the beam's captions are reranked with, null for the bundle's, 0 for none
     *     (a bundle with no caption matcher reranks nothing)
     * @param partitions how many tasks to split the files into, 0 for Spark's choice
     * @param taskThreads libtorch threads per task (match spark.task.cpus)
     * @param maxBytes larger files are error rows (the CLI's limit by default)
     */
    public record Settings(List<String> inputs, String glob, String bundle, String encoder, int beam, int nBest,
            Double rerank, int partitions, int taskThreads, long maxBytes) implements Serializable {}

    private static final StructType CAPTION = new StructType()
            .add("caption", DataTypes.StringType, false)
            .add("score", DataTypes.DoubleType, false)
            .add("log_prob", DataTypes.DoubleType, false)
            .add("match", DataTypes.DoubleType, true);

    /** One row per input file; caption fields are null on error, alternatives only with n-best above 1. */
    public static final StructType SCHEMA = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("caption", DataTypes.StringType, true)
            .add("score", DataTypes.DoubleType, true)
            .add("log_prob", DataTypes.DoubleType, true)
            .add("alternatives", DataTypes.createArrayType(CAPTION), true)
            .add("width", DataTypes.IntegerType, true)
            .add("height", DataTypes.IntegerType, true)
            .add("error", DataTypes.StringType, true)
            .add("model", DataTypes.StringType, false)
            // Last, so that rows written before it read the same by position: the caption matcher's
            // cosine where the beam's captions were reranked (as the CLI's jsonl has it), else null.
            .add("match", DataTypes.DoubleType, true);

    /**
     * The job's rows, computed lazily (each action re-runs it: write them once).
     *
     * @param loads counts model loads over all executors (one per executor JVM is expected)
     */
    public static Dataset<Row> caption(SparkSession spark, Settings settings, LongAccumulator loads) {
        DataFrameReader reader = spark.read().format("binaryFile").option("recursiveFileLookup", "true");
        if (settings.glob() != null) {
            reader = reader.option("pathGlobFilter", settings.glob());
        }
        // Spark lists the files (recursion, glob and hidden-file rules of its file sources) but its
        // scans skip empty files, which must still get their row; and the tasks read the bytes
        // themselves, within the captioner's limits, so an over-size file is an error row rather
        // than a failed task. So the job runs over the listing, not over a scan.
        String[] files = reader.load(settings.inputs().toArray(String[]::new)).inputFiles();
        java.util.Arrays.sort(files);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = settings.partitions() > 0 ? settings.partitions() : context.defaultParallelism();
        JavaRDD<String> paths = context.parallelize(java.util.Arrays.asList(files), Math.max(1, partitions));
        Map<String, String> hadoop = BoundedRead.settings(spark.sparkContext().hadoopConfiguration());
        JavaRDD<Row> rows = paths.mapPartitions(new Partition(settings, hadoop, loads));
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** Captions one partition's files, a batch at a time, in input order. */
    private static final class Partition implements FlatMapFunction<Iterator<String>, Row> {
        private static final int BATCH = 32;
        private final Settings settings;
        private final Map<String, String> hadoop;
        private final LongAccumulator loads;

        Partition(Settings settings, Map<String, String> hadoop, LongAccumulator loads) {
            this.settings = settings;
            this.hadoop = hadoop;
            this.loads = loads;
        }

        @Override
        public Iterator<Row> call(Iterator<String> paths) throws Exception {
            ExecutorModels.Loaded model = ExecutorModels.get(settings.bundle(), settings.encoder(),
                    settings.taskThreads());
            if (model.loadedNow()) {
                loads.add(1);
            }
            Captioner captioner = model.captioner();
            CaptionOptions defaults = captioner.defaultOptions();
            CaptionOptions options = defaults.withBeam(settings.beam() > 0 ? settings.beam() : defaults.beam())
                    .withNBest(settings.nBest()).withRerank(settings.rerank());
            var conf = BoundedRead.configuration(hadoop);
            return new Iterator<>() {
                private final Deque<Row> ready = new ArrayDeque<>();

                @Override
                public boolean hasNext() {
                    while (ready.isEmpty() && paths.hasNext()) {
                        List<String> batch = new ArrayList<>();
                        while (batch.size() < BATCH && paths.hasNext()) {
                            batch.add(paths.next());
                        }
                        ready.addAll(captionBatch(batch, captioner, options, conf, model.modelId(),
                                settings.maxBytes()));
                    }
                    return !ready.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return ready.poll();
                }
            };
        }
    }

    static List<Row> captionBatch(List<String> files, Captioner captioner, CaptionOptions options,
            org.apache.hadoop.conf.Configuration conf, String modelId, long maxBytes) {
        Row[] out = new Row[files.size()];
        // Rows name files as paths, not as the percent-encoded URIs of Spark's listing.
        List<String> names = files.stream().map(f -> BoundedRead.path(f).toString()).toList();
        List<ImageInput> inputs = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            try {
                byte[] bytes = BoundedRead.read(files.get(i), conf, maxBytes);
                inputs.add(ImageInput.of(names.get(i), bytes));
                sizes.add(PhotoReader.declaredSize(bytes));
                at.add(i);
            } catch (ImageReadException e) {
                out[i] = RowFactory.create(names.get(i), null, null, null, null, null, null, e.getMessage(), modelId,
                        null);
            }
        }
        List<CaptionResult> results = captioner.caption(inputs, options);
        for (int k = 0; k < results.size(); k++) {
            out[at.get(k)] = row(results.get(k), sizes.get(k), modelId);
        }
        return List.of(out);
    }

    private static Row row(CaptionResult r, int[] size, String modelId) {
        Integer width = size == null ? null : size[0];
        Integer height = size == null ? null : size[1];
        if (!r.succeeded()) {
            return RowFactory.create(r.name(), null, null, null, null, width, height, r.error(), modelId, null);
        }
        ScoredCaption best = r.best();
        List<Row> alternatives = null;
        if (r.captions().size() > 1) {
            alternatives = new ArrayList<>();
            for (ScoredCaption c : r.captions()) {
                alternatives.add(RowFactory.create(c.text(), c.score(), c.logProb(), rounded(c.match())));
            }
        }
        return RowFactory.create(r.name(), best.text(), best.score(), best.logProb(),
                // An array column takes a Scala Seq: a java.util.List fails the row's encoding.
                alternatives == null ? null : scala.collection.JavaConverters.asScalaBuffer(alternatives).toList(),
                width, height, null, modelId, rounded(best.match()));
    }

    /** A matcher's cosine to 4 decimals, as the CLI's jsonl writes it ({@link CaptionResultJson#round4}); null stays null. */
    private static Double rounded(Double match) {
        return match == null ? null : CaptionResultJson.round4(match);
    }
}
