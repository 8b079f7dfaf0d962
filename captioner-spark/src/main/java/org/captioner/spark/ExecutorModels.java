package org.captioner.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkFiles;
import org.captioner.bundle.ModelBundle;
import org.captioner.caption.Captioner;
import org.captioner.caption.EncoderResolver;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.encoder.Preprocessing;
import org.captioner.image.PhotoReader;

/**
 * One {@link Captioner} per executor JVM and bundle (and one {@link ImageEncoder} per encoder, for
 * feature extraction): loaded by the first task that needs it,
 * reused by every later task in that JVM (Spark runs many tasks per executor), closed when the JVM
 * exits. Loading costs seconds and hundreds of MB; doing it per partition would dominate a job.
 */
final class ExecutorModels {

    private static final Map<String, Loaded> LOADED = new HashMap<>();
    private static final Map<String, ImageEncoder> ENCODERS = new HashMap<>();

    /** An encoder, and whether this call loaded it (for the job's load counter). */
    record LoadedEncoder(ImageEncoder encoder, boolean loadedNow) {}

    /** An encoder alone (feature extraction), once per executor JVM and encoder/preprocessing pair. */
    static synchronized LoadedEncoder encoder(String source, String preprocessing, int intraOpThreads) {
        String key = source + "\n" + preprocessing;
        ImageEncoder known = ENCODERS.get(key);
        if (known != null) {
            return new LoadedEncoder(known, false);
        }
        configureEngine(intraOpThreads);
        if (ENCODERS.isEmpty() && LOADED.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "captioner-models"));
        }
        ImageEncoder loaded = ImageEncoder.load(EncoderSource.parse(source), Preprocessing.parse(preprocessing),
                taskSlots());
        ENCODERS.put(key, loaded);
        return new LoadedEncoder(loaded, true);
    }

    /**
     * Executors do not get the driver's -D flags: DJL must stay offline, and libtorch should use as
     * many threads as Spark gives each task (spark.task.cpus), not every core of the machine.
     */
    private static void configureEngine(int intraOpThreads) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(intraOpThreads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    private ExecutorModels() {}

    /** The captioner, its bundle's id, and whether this call loaded it (for the job's load counter). */
    record Loaded(Captioner captioner, String modelId, boolean loadedNow) {}

    /** @param encoder a variant name of the bundle's, or null for its own encoder */
    static synchronized Loaded get(String bundle, String encoder, int intraOpThreads) throws IOException {
        String key = bundle + (encoder == null ? "" : "\u0000" + encoder);
        Loaded known = LOADED.get(key);
        if (known != null) {
            return new Loaded(known.captioner(), known.modelId(), false);
        }
        configureEngine(intraOpThreads);
        Path dir = locate(bundle);
        // Every task this executor runs at once shares the one Captioner: give it as many encoder
        // instances as there are task slots, or concurrent tasks would queue for a single one.
        Captioner captioner = Captioner.open(dir, new EncoderResolver(encoder, List.of()), new PhotoReader(),
                taskSlots());
        // Rows name the bundle by content id, and the encoder variant when one was chosen ("<id>+int8").
        Loaded loaded = new Loaded(captioner, ModelBundle.id(dir) + (encoder == null ? "" : "+" + encoder), true);
        LOADED.put(key, loaded);
        if (LOADED.size() == 1 && ENCODERS.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "captioner-models"));
        }
        return loaded;
    }

    /** Tasks this executor runs at once: its cores (all of the machine's in local mode) over spark.task.cpus. */
    private static int taskSlots() {
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        int cores = Runtime.getRuntime().availableProcessors();
        int perTask = 1;
        if (env != null) {
            cores = env.conf().getInt("spark.executor.cores", cores);
            perTask = Math.max(1, env.conf().getInt("spark.task.cpus", 1));
        }
        return Math.max(1, cores / perTask);
    }

    /**
     * The bundle folder on this machine: the path as given (shared storage, or local mode), else the
     * copy Spark shipped with {@code --files}/{@code --archives} under that folder's name.
     */
    static Path locate(String bundle) throws IOException {
        Path given = Path.of(bundle);
        if (Files.isDirectory(given)) {
            return given;
        }
        Path shipped = Path.of(SparkFiles.get(given.getFileName().toString()));
        if (Files.isDirectory(shipped)) {
            return shipped;
        }
        throw new IOException("model bundle " + bundle + " is neither on this machine's file system nor shipped"
                + " with --archives/--files (looked in " + shipped + ")");
    }

    private static synchronized void closeAll() {
        LOADED.values().forEach(l -> l.captioner().close());
        LOADED.clear();
        ENCODERS.values().forEach(ImageEncoder::close);
        ENCODERS.clear();
    }
}
