package org.captioner.cli;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.captioner.bundle.EncoderLocation;
import org.captioner.caption.CaptionOptions;
import org.captioner.caption.Captioner;
import org.captioner.caption.EncoderResolver;
import org.captioner.caption.ImageInput;
import org.captioner.caption.ScoredCaption;
import org.captioner.cli.BenchPeer.Outcome;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.image.PhotoReader;
import org.captioner.model.DecoderConfig;
import org.captioner.objects.Grounding;
import org.captioner.provenance.TrainingSettings;
import org.captioner.text.Vocabulary;
import org.captioner.train.CaptionCorpus;
import org.captioner.train.CaptionTrainer;
import org.captioner.train.TrainingListener;

/**
 * {@code ./captioner bench}: speed of captioner and of a PyTorch peer doing the same work on the
 * same inputs in one run, printed side by side as ratios ({@link BenchPeer} runs the peer,
 * {@link BenchReport} prints). Captioner's own figures are printed whatever becomes of the peer.
 * Not run in CI.
 */
final class BenchCommand extends Command {

    /** MobileNetV2 1.0 at 224x224: about 300 M multiply-adds per image (Sandler et al. 2018). */
    static final double MOBILENET_V2_GFLOP = 0.60;

    /** Encoder call sizes measured. */
    static final int[] ENCODER_BATCHES = {1, 8, 32};
    /**
     * The bundle's encoder variants the bench measures beside its own encoder, when it has them:
     * "float" is the float trunk where the bundle's own encoder is its fast form (models/default).
     */
    static final List<String> ENCODER_VARIANTS = List.of("float", "int8", "onnx");
    /** Square sides (fp32) and input rows (int8) of the peak products. */
    static final int[] PEAK_SIDES = {256, 512, 1024, 2048};
    /** The int8 probe, relative to the project home, and its weight's side. */
    static final String INT8_PROBE = "bench/int8_matmul_probe.pt";
    static final int INT8_PROBE_SIDE = 1024;

    /** The matrix-product check, [M, K] x [K, N] in fp32: the shape the peer's BLAS issue was measured at. */
    static final int MATMUL_M = 1280;
    static final int MATMUL_K = 512;
    static final int MATMUL_N = 2048;
    static final String MATMUL_SHAPE = MATMUL_M + "x" + MATMUL_K + "x" + MATMUL_N;
    /** Timed products after the warm-up, on both sides (bench/peer.py's MATMUL_REPS). */
    static final int MATMUL_REPS = 5;

    @Override
    String name() {
        return "bench";
    }

    @Override
    String summary() {
        return "Measure feature extraction, decoding, end-to-end captioning, a training step, a matrix product and"
                + " memory, beside a PyTorch peer (bench/peer.py: python3-torch on OpenBLAS, the same encoder, photos,"
                + " decoder weights, threads and search) on the same inputs; prints min/median and ratios. Without"
                + " python, torch or an optimised BLAS the peer is skipped, with one line saying why, and captioner"
                + " is measured alone.";
    }

    @Override
    Options options() {
        Options o = new Options();
        o.addOption(opt("model", "BUNDLE", "model bundle (default: models/default)"));
        o.addOption(opt("images", "N", "real photos per measurement: the first N Flickr8k test images, of the 1,000"
                + " there are (default 64, at least 8)"));
        o.addOption(opt("reps", "N", "timed repetitions of each measurement after one warm-up (default 3); the"
                + " training step is timed over max(5, 2N-1) steps, the matrix product always over 5"));
        o.addOption(opt("large", "N", "images in the generated folder for the memory check (default 10000; 0 skips)"));
        o.addOption(opt("python", "PATH", "python for the peer, with torch and PIL; torch's BLAS must be an"
                + " optimised one, e.g. Debian's python3-torch with libopenblas0-pthread (default /usr/bin/python3)"));
        o.addOption(flag("no-peer", "measure captioner only (its figures, no ratios against a peer)"));
        o.addOption(flag("allow-reference-blas", "run the peer even when its torch's BLAS is not an optimised one"
                + " (netlib's reference BLAS, or one it cannot identify); its ratios are then marked peer=unfair"));
        return o;
    }

    record Timing(double min, double median) {}

    interface Work {
        void run() throws Exception;
    }

    static Timing time(int reps, Work work) throws Exception {
        work.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long b = System.nanoTime();
            work.run();
            t[i] = (System.nanoTime() - b) / 1e9;
        }
        Arrays.sort(t);
        return new Timing(t[0], t[reps / 2]);
    }

    @Override
    int run(CommandLine line) throws Exception {
        int n = intValue(line, "images", 64, 8, 100_000);
        int reps = intValue(line, "reps", 3, 1, 100);
        int large = intValue(line, "large", 10_000, 0, 1_000_000);
        Path model = model(line);
        Path shared = Locations.sharedDir();
        Path flickr = shared.resolve("datasets/flickr8k");
        if (!Files.isRegularFile(flickr.resolve("Flickr_8k.testImages.txt"))) {
            throw new UsageException("bench measures on Flickr8k test photos, not found in " + flickr
                    + " (put ../shared beside the project or set CAPTIONER_SHARED)");
        }
        List<Path> photos = testPhotos(flickr, n);
        Map<String, Double> mine = new LinkedHashMap<>();
        System.err.printf("bench: %d photos, %d repetitions, model %s%n", photos.size(), reps, model);
        try (Captioner captioner = Captioner.open(model, new EncoderResolver(null, Locations.encoderDirs()))) {
            int threads = JniUtils.getNumThreads();
            BenchPeer peer = new BenchPeer(line.getOptionValue("python", "/usr/bin/python3"),
                    Locations.home().resolve("bench/peer.py"), threads, line.hasOption("allow-reference-blas"));
            // Checked before captioner's measurements, so a peer that cannot run costs no time.
            Outcome checked = line.hasOption("no-peer") ? Outcome.skipped("--no-peer") : peer.check();
            measure(captioner, model, photos, reps, large, mine);
            CaptionOptions search = captioner.defaultOptions();
            int decoders = decoders(captioner);
            Outcome outcome = checked;
            if (checked.state() != BenchPeer.State.SKIPPED) {
                System.err.println("bench: running the PyTorch peer...");
                outcome = peer.run(checked, new BenchPeer.Work(Path.of(captioner.encoder().identity().origin()),
                        photos, model, decoders, captioner.info().decoder().vocabSize(), search.lengthPenalty(),
                        search.maxLength(), search.beam(), Captioner.blocksTrigrams(), search.batchSize(), reps,
                        captioner.info().decoder().attentionSize(), regions(captioner)));
            }
            String engine = "PyTorch " + Engine.getEngine("PyTorch").getVersion() + " via DJL " + Engine.getDjlVersion();
            BenchReport.Side side = new BenchReport.Side(engine, threads, System.getenv("OMP_WAIT_POLICY"),
                    System.getenv("GLIBC_TUNABLES"), decoders, search.lengthPenalty(), search.beam(),
                    Captioner.blocksTrigrams(), mklLibraryPreloaded());
            new BenchReport(mine, side, outcome).print(large);
        }
        return 0;
    }

    /** Whether LD_PRELOAD names ./captioner's MKL vendor-check library and that file exists (ld.so skips a missing one). */
    static boolean mklLibraryPreloaded() {
        for (String entry : System.getenv().getOrDefault("LD_PRELOAD", "").split("[ :]+")) {
            if (entry.endsWith("/libmkl_intel_cpu.so") && Files.isRegularFile(Path.of(entry))) {
                return true;
            }
        }
        return false;
    }

    /** Feature vectors per image the bundle's decoders read: the encoder's grid for an attending bundle, else 1. */
    private static int regions(Captioner captioner) {
        return captioner.takesGrids() ? captioner.encoder().gridRegions() : 1;
    }

    /** Decoders searched per step: the bundle's main decoder and its ensemble members. */
    static int decoders(Captioner captioner) {
        return 1 + captioner.info().members().size();
    }

    /** All of captioner's own figures, into {@code mine}. */
    private static void measure(Captioner captioner, Path model, List<Path> photos, int reps, int large,
            Map<String, Double> mine) throws Exception {
        mine.put("matmul_gflops", matmulGflops());
        mine.put("peak_fp32_gflops", fp32PeakGflops());
        Path probe = Locations.home().resolve(INT8_PROBE);
        if (Files.isRegularFile(probe)) {
            mine.put("peak_int8_gops", int8PeakGops(probe));
        }
        PhotoReader reader = new PhotoReader();
        List<BufferedImage> images = new ArrayList<>();
        for (Path p : photos) {
            images.add(reader.read(p));
        }
        measureEncoder(captioner.encoder(), "", images, reps, mine);
        for (String variant : ENCODER_VARIANTS) {
            if (captioner.info().encoderVariant(variant) == null) {
                continue;
            }
            // A variant that cannot run here (a changed file, natives that do not load) costs its rows only.
            try {
                EncoderSource source = new EncoderResolver(variant, List.of()).resolve(model, captioner.info());
                try (ImageEncoder encoder = ImageEncoder.load(source, captioner.info().encoder().preprocessing())) {
                    measureEncoder(encoder, variant + "_", images, reps, mine);
                }
            } catch (RuntimeException e) {
                System.err.println("bench: encoder variant " + variant + " not measured: " + e.getMessage());
            }
        }
        // What the decoders read: pooled vectors, or whole grids for a bundle that attends to regions.
        float[][] features = captioner.encode(images);
        // Grounding off for the figures set beside the peer's: it runs the language model alone.
        for (int beam : new int[] {1, 3}) {
            Decoding d = decode(captioner, features, beam, reps, Grounding.Settings.OFF);
            String key = beam == 1 ? "greedy" : "beam3";
            mine.put("decode_" + key + "_ms", 1000 * d.time().min() / features.length);
            mine.put("decode_" + key + "_ms_median", 1000 * d.time().median() / features.length);
            mine.put("decode_" + key + "_words", d.meanWords());
        }
        Grounding.Settings grounding = captioner.grounding(captioner.defaultOptions());
        if (!grounding.off()) {
            Decoding d = decode(captioner, features, 3, reps, grounding);
            mine.put("decode_beam3_grounded_ms", 1000 * d.time().min() / features.length);
        }
        Timing t = endToEnd(captioner, photos, reps);
        mine.put("end_to_end", photos.size() / t.min());
        mine.put("end_to_end_median", photos.size() / t.median());
        baseline(model, features, photos, reps, mine);
        // The bundle's kind of decoder at the default sizes (an attention decoder on 7 x 7 grids).
        double[] step = trainStep(captioner.info().decoder().withSizes(512, 512, 1, 0.5),
                captioner.info().decoder().vocabSize(), regions(captioner), reps);
        mine.put("train_step_ms", step[0]);
        mine.put("train_step_ms_median", step[1]);
        if (large > 0) {
            long[] rss = memory(captioner, large);
            mine.put("rss_start_mb", rss[0] / 1024.0);
            mine.put("rss_peak_mb", rss[1] / 1024.0);
            mine.put("rss_end_mb", rss[2] / 1024.0);
            mine.put("large_ips", rss[3] / 1000.0);
        }
    }

    /** Images/s of {@code encoder} called with 1, 8 and 32 images at a time, as {@code <prefix>encoder_b<N>}. */
    private static void measureEncoder(ImageEncoder encoder, String prefix, List<BufferedImage> images, int reps,
            Map<String, Double> mine) throws Exception {
        double best = 0;
        for (int b : ENCODER_BATCHES) {
            Timing t = time(reps, () -> {
                for (int i = 0; i < images.size(); i += b) {
                    encoder.encode(images.subList(i, Math.min(images.size(), i + b)));
                }
            });
            double ips = images.size() / t.min();
            mine.put(prefix + "encoder_b" + b, ips);
            mine.put(prefix + "encoder_b" + b + "_median", images.size() / t.median());
            best = Math.max(best, ips);
        }
        mine.put(prefix + "encoder_best", best);
    }

    /**
     * The best fp32 GFLOP/s of square products of {@link #PEAK_SIDES} in captioner's engine: the
     * most this CPU gives a dense fp32 kernel here, against which the encoder's rate is quoted.
     */
    static double fp32PeakGflops() throws Exception {
        double best = 0;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (int n : PEAK_SIDES) {
                NDArray a = m.randomNormal(new Shape(n, n));
                NDArray b = m.randomNormal(new Shape(n, n));
                Timing t = time(MATMUL_REPS, () -> a.matMul(b).close());
                best = Math.max(best, 2.0 * n * n * n / t.min() / 1e9);
            }
        }
        return best;
    }

    /**
     * The best int8 GOP/s of {@code probe} (scripts/make_int8_matmul_probe.py: quantize, a 1024x1024
     * int8 product, dequantize) on [M,1024] inputs for M in {@link #PEAK_SIDES}: the int8 kernels'
     * peak here, against which the int8 encoder is quoted.
     */
    static double int8PeakGops(Path probe) throws Exception {
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(probe).optEngine("PyTorch").optTranslator(new NoopTranslator()).build();
        double best = 0;
        try (ZooModel<NDList, NDList> zoo = criteria.loadModel();
                Predictor<NDList, NDList> predictor = zoo.newPredictor();
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (int rows : PEAK_SIDES) {
                NDList x = new NDList(m.randomUniform(0, 1, new Shape(rows, INT8_PROBE_SIDE)));
                Timing t = time(MATMUL_REPS, () -> predictor.predict(x).close());
                best = Math.max(best, 2.0 * rows * INT8_PROBE_SIDE * INT8_PROBE_SIDE / t.min() / 1e9);
            }
        }
        return best;
    }

    /**
     * GFLOP/s of one fp32 {@link #MATMUL_SHAPE} product in captioner's engine (DJL's PyTorch, at its
     * own thread count), best of {@link #MATMUL_REPS} after a warm-up: the peer measures the same
     * product, so the two lines show whether both sides multiply matrices equally fast, the
     * BLAS-bound part of decoding and training.
     */
    static double matmulGflops() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray a = m.randomNormal(new Shape(MATMUL_M, MATMUL_K));
            NDArray b = m.randomNormal(new Shape(MATMUL_K, MATMUL_N));
            Timing t = time(MATMUL_REPS, () -> a.matMul(b).close());
            return 2.0 * MATMUL_M * MATMUL_K * MATMUL_N / t.min() / 1e9;
        }
    }

    /**
     * The same decode and end-to-end figures with the earlier design, in the same run: decoders
     * searched block by block and averaged in Java, and search overlapped with the encoder.
     */
    private static void baseline(Path model, float[][] features, List<Path> photos, int reps, Map<String, Double> mine)
            throws Exception {
        String stack = System.getProperty("captioner.stackDecoders");
        String overlap = System.getProperty("captioner.overlapSearch");
        System.setProperty("captioner.stackDecoders", "false");
        System.setProperty("captioner.overlapSearch", "true");
        try (Captioner before = Captioner.open(model, new EncoderResolver(null, Locations.encoderDirs()))) {
            mine.put("baseline_decode_beam3_ms",
                    1000 * decode(before, features, 3, reps, Grounding.Settings.OFF).time().min() / features.length);
            mine.put("baseline_end_to_end", photos.size() / endToEnd(before, photos, reps).min());
        } finally {
            restore("captioner.stackDecoders", stack);
            restore("captioner.overlapSearch", overlap);
        }
    }

    /** A decode timing and the mean words of the captions found (the peer's should match). */
    record Decoding(Timing time, double meanWords) {}

    /** Searching cached features in batches of 8 at {@code beam}. */
    private static Decoding decode(Captioner captioner, float[][] features, int beam, int reps,
            Grounding.Settings grounding) throws Exception {
        // Not reranked: the peer searches only, and reranking makes the beam run on to its n-best.
        CaptionOptions o = captioner.defaultOptions().withBeam(beam).withBatchSize(8).withGrounding(grounding)
                .withRerank(0.0);
        AtomicLong words = new AtomicLong();
        Timing t = time(reps, () -> {
            words.set(0);
            for (int i = 0; i < features.length; i += 8) {
                for (List<ScoredCaption> best : captioner.captionFeatures(
                        Arrays.copyOfRange(features, i, Math.min(features.length, i + 8)), o)) {
                    words.addAndGet(wordCount(best.get(0).text()));
                }
            }
        });
        return new Decoding(t, (double) words.get() / features.length);
    }

    private static int wordCount(String caption) {
        return caption.isBlank() ? 0 : caption.strip().split("\\s+").length;
    }

    /**
     * Photo files to captions, the whole pipeline, with the bundle's default search (beam, length
     * penalty, trigram blocking) and grounding and reranking off, as the peer has neither.
     */
    private static Timing endToEnd(Captioner captioner, List<Path> photos, int reps) throws Exception {
        CaptionOptions o = captioner.defaultOptions().withGrounding(Grounding.Settings.OFF).withRerank(0.0);
        return time(reps, () -> captioner.captionAll(photos.stream().map(ImageInput::of).iterator(), o, r -> { }));
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static List<Path> testPhotos(Path flickr, int n) throws Exception {
        List<String> names = Files.readAllLines(flickr.resolve("Flickr_8k.testImages.txt"));
        List<Path> out = new ArrayList<>();
        for (String name : names) {
            Path p = flickr.resolve("images").resolve(name.strip());
            if (!name.isBlank() && Files.exists(p)) {
                out.add(p);
            }
            if (out.size() == n) {
                break;
            }
        }
        return out;
    }

    /**
     * min and median ms of a training step at batch 64, captions of 20 words; {@code regions}
     * features per image of the config's size (1: a pooled vector; more: a grid, for an attention decoder).
     */
    private static double[] trainStep(DecoderConfig config, int vocab, int regions, int reps) throws Exception {
        Random random = new Random(1);
        Map<String, float[]> feats = new LinkedHashMap<>();
        Map<String, List<String>> caps = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        for (int w = 0; w < vocab - 4; w++) {
            words.add("w" + w);
        }
        for (int i = 0; i < 64 * Math.max(6, reps * 2); i++) {
            float[] f = new float[regions * config.featureSize()];
            for (int j = 0; j < f.length; j++) {
                f[j] = random.nextFloat();
            }
            feats.put("img" + i, f);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 20; k++) {
                sb.append(words.get(random.nextInt(words.size()))).append(' ');
            }
            caps.put("img" + i, List.of(sb.toString()));
        }
        Vocabulary v = Vocabulary.of(words);
        CaptionCorpus corpus = CaptionCorpus.of(feats, caps, v, 20);
        List<Double> steps = new ArrayList<>();
        AtomicLong last = new AtomicLong();
        // The trainer writes a bundle and a checkpoint (about 90 MB) that the bench has no use for.
        Path out = Files.createTempDirectory("captioner-bench-train");
        try {
            new CaptionTrainer(new TrainingSettings(1, 64, 4e-4, 1, 1, 5, 0, 20, 1, 1, false), config, v,
                    new org.captioner.encoder.EncoderIdentity("bench", null, null,
                            org.captioner.encoder.Preprocessing.imagenet(), config.featureSize()),
                    new EncoderLocation(null, null), "bench")
                    .train(corpus, CaptionCorpus.of(Map.of(), Map.of(), v, 20), out, false, new TrainingListener() {
                        @Override
                        public void epochStarted(int epoch, int epochs, int stepsInEpoch) {
                            last.set(System.nanoTime());
                        }

                        @Override
                        public void stepDone(int step, double loss, double tps) {
                            long now = System.nanoTime();
                            steps.add((now - last.getAndSet(now)) / 1e6);
                        }
                    });
        } finally {
            deleteTree(out);
        }
        List<Double> measured = new ArrayList<>(steps.subList(1, steps.size()));
        measured.sort(Double::compare);
        return new double[] {measured.get(0), measured.get(measured.size() / 2)};
    }

    /** Captions a generated folder of {@code count} photos-sized JPEGs; RSS start/peak/end (KiB) and images/s x1000. */
    private static long[] memory(Captioner captioner, int count) throws Exception {
        Path dir = Files.createTempDirectory("captioner-bench-large");
        System.err.printf("bench: writing %d images for the memory check...%n", count);
        Random random = new Random(3);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(400, 300, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillRect(0, 0, 400, 300);
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillOval(random.nextInt(200), random.nextInt(150), 50 + random.nextInt(150), 50 + random.nextInt(150));
            g.dispose();
            ImageIO.write(img, "jpg", dir.resolve(String.format("%06d.jpg", i)).toFile());
        }
        long start = rssKib();
        AtomicLong peak = new AtomicLong(start);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                peak.accumulateAndGet(rssKib(), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        long begin = System.nanoTime();
        captioner.captionAll(new ImagePaths(List.of(dir), note -> System.err.println("captioner: " + note)), captioner.defaultOptions().withBeam(3), r -> { });
        double seconds = (System.nanoTime() - begin) / 1e9;
        running.set(false);
        sampler.join();
        long end = rssKib();
        deleteTree(dir);
        return new long[] {start, peak.get(), end, (long) (1000 * count / seconds)};
    }

    /** Deletes a temporary file or folder and everything in it; what cannot be deleted is left. */
    static void deleteTree(Path path) {
        if (path == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary file left behind is harmless
        }
    }

    static long rssKib() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }
}
