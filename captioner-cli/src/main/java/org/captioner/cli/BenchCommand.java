package org.captioner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.captioner.image.PhotoReader;
import org.captioner.model.DecoderConfig;
import org.captioner.provenance.TrainingSettings;
import org.captioner.text.Vocabulary;
import org.captioner.train.CaptionCorpus;
import org.captioner.train.CaptionTrainer;
import org.captioner.train.TrainingListener;

/**
 * {@code ./captioner bench}: speed of captioner and of a PyTorch peer doing the same work on the
 * same inputs in one run, printed side by side as ratios. Not run in CI.
 */
final class BenchCommand extends Command {

    /** MobileNetV2 1.0 at 224x224: about 300 M multiply-adds per image (Sandler et al. 2018). */
    static final double MOBILENET_V2_GFLOP = 0.60;

    @Override
    String name() {
        return "bench";
    }

    @Override
    String summary() {
        return "Measure feature extraction, decoding, end-to-end captioning, a training step and memory, beside"
                + " a PyTorch peer (bench/peer.py with Debian's python3-torch) on the same inputs; prints"
                + " min/median and ratios.";
    }

    @Override
    Options options() {
        Options o = new Options();
        o.addOption(opt("model", "BUNDLE", "model bundle (default: models/default)"));
        o.addOption(opt("images", "N", "real photos (Flickr8k test images) per measurement (default 64)"));
        o.addOption(opt("reps", "N", "repetitions after one warm-up (default 3)"));
        o.addOption(opt("large", "N", "images in the generated folder for the memory check (default 10000; 0 skips)"));
        o.addOption(opt("python", "PATH", "python with torch for the peer (default /usr/bin/python3)"));
        o.addOption(flag("no-peer", "measure captioner only"));
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
        Path model = path(line, "model") != null ? path(line, "model") : Locations.defaultModel();
        Path shared = Locations.sharedDir();
        List<Path> photos = testPhotos(shared.resolve("datasets/flickr8k"), n);
        Map<String, String> rows = new LinkedHashMap<>();
        Map<String, Double> mine = new LinkedHashMap<>();
        System.err.printf("bench: %d photos, %d repetitions, model %s%n", photos.size(), reps, model);
        try (Captioner captioner = Captioner.open(model, new EncoderResolver(null, Locations.encoderDirs()))) {
            PhotoReader reader = new PhotoReader();
            List<BufferedImage> decoded = new ArrayList<>();
            for (Path p : photos) {
                decoded.add(reader.read(p));
            }
            double bestEncoder = 0;
            for (int b : new int[] {1, 8, 32}) {
                Timing t = time(reps, () -> {
                    for (int i = 0; i < decoded.size(); i += b) {
                        captioner.encoder().encode(decoded.subList(i, Math.min(decoded.size(), i + b)));
                    }
                });
                double ips = photos.size() / t.min();
                mine.put("encoder_b" + b, ips);
                mine.put("encoder_b" + b + "_median", photos.size() / t.median());
                bestEncoder = Math.max(bestEncoder, ips);
            }
            mine.put("encoder_best", bestEncoder);
            float[][] features = captioner.encoder().encode(decoded);
            for (int beam : new int[] {1, 3}) {
                Timing t = decode(captioner, features, beam, reps);
                mine.put("decode_beam" + beam + "_ms", 1000 * t.min() / features.length);
                mine.put("decode_beam" + beam + "_ms_median", 1000 * t.median() / features.length);
            }
            Timing t = endToEnd(captioner, photos, reps);
            mine.put("end_to_end", photos.size() / t.min());
            mine.put("end_to_end_median", photos.size() / t.median());
            baseline(model, features, photos, reps, mine);
            int vocab = captioner.info().decoder().vocabSize();
            double[] step = trainStep(captioner.info().decoder().withSizes(512, 512, 1, 0.5), vocab, reps);
            mine.put("train_step_ms", step[0]);
            mine.put("train_step_ms_median", step[1]);
            if (large > 0) {
                long[] rss = memory(captioner, large);
                mine.put("rss_start_mb", rss[0] / 1024.0);
                mine.put("rss_peak_mb", rss[1] / 1024.0);
                mine.put("rss_end_mb", rss[2] / 1024.0);
                mine.put("large_ips", rss[3] / 1000.0);
            }
            JsonNode peer = line.hasOption("no-peer") ? null
                    : peer(line.getOptionValue("python", "/usr/bin/python3"), captioner, photos, vocab, reps);
            report(mine, peer, photos.size(), large);
        }
        return 0;
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
            mine.put("baseline_decode_beam3_ms", 1000 * decode(before, features, 3, reps).min() / features.length);
            mine.put("baseline_end_to_end", photos.size() / endToEnd(before, photos, reps).min());
        } finally {
            restore("captioner.stackDecoders", stack);
            restore("captioner.overlapSearch", overlap);
        }
    }

    /** Searching cached features in batches of 8 at {@code beam}. */
    private static Timing decode(Captioner captioner, float[][] features, int beam, int reps) throws Exception {
        CaptionOptions o = captioner.defaultOptions().withBeam(beam).withBatchSize(8);
        return time(reps, () -> {
            for (int i = 0; i < features.length; i += 8) {
                captioner.captionFeatures(Arrays.copyOfRange(features, i, Math.min(features.length, i + 8)), o);
            }
        });
    }

    /** Photo files to captions at beam 3, the whole pipeline. */
    private static Timing endToEnd(Captioner captioner, List<Path> photos, int reps) throws Exception {
        CaptionOptions o = captioner.defaultOptions().withBeam(3);
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

    /** min and median ms of a training step at batch 64, captions of 20 words. */
    private static double[] trainStep(DecoderConfig config, int vocab, int reps) throws Exception {
        Random random = new Random(1);
        Map<String, float[]> feats = new LinkedHashMap<>();
        Map<String, List<String>> caps = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        for (int w = 0; w < vocab - 4; w++) {
            words.add("w" + w);
        }
        for (int i = 0; i < 64 * Math.max(6, reps * 2); i++) {
            float[] f = new float[config.featureSize()];
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
        Path out = Files.createTempDirectory("captioner-bench-train");
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
        captioner.captionAll(new ImagePaths(List.of(dir)), captioner.defaultOptions().withBeam(3), r -> { });
        double seconds = (System.nanoTime() - begin) / 1e9;
        running.set(false);
        sampler.join();
        long end = rssKib();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> p.toFile().delete());
        }
        Files.delete(dir);
        return new long[] {start, peak.get(), end, (long) (1000 * count / seconds)};
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

    private static JsonNode peer(String python, Captioner captioner, List<Path> photos, int vocab, int reps)
            throws Exception {
        Path list = Files.createTempFile("captioner-bench", ".txt");
        Files.write(list, photos.stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
        Path script = Locations.home().resolve("bench/peer.py");
        Path encoder = Path.of(captioner.encoder().identity().origin());
        System.err.println("bench: running the PyTorch peer...");
        Process p = new ProcessBuilder(python, script.toString(), "--encoder", encoder.toString(), "--images",
                list.toString(), "--vocab", String.valueOf(vocab), "--reps", String.valueOf(reps))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the peer failed (is python3-torch installed? apt install python3-torch)");
        }
        return new ObjectMapper().readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
    }

    private static void report(Map<String, Double> m, JsonNode peer, int images, int large) {
        System.out.println(String.format(Locale.ROOT, "%-42s %12s %12s %8s", "figure (best of reps; median)", "captioner",
                "peer", "ratio"));
        for (int b : new int[] {1, 8, 32}) {
            double peerIps = peer == null ? Double.NaN : peer.get("encoder_b" + b + "_ips").get("best_ips").asDouble();
            row("encoder images/s, batch " + b, m.get("encoder_b" + b), peerIps, m.get("encoder_b" + b) / peerIps);
        }
        for (int beam : new int[] {1, 3}) {
            String key = beam == 1 ? "greedy" : "beam3";
            double peerMs = peer == null ? Double.NaN
                    : peer.get("decode_" + key + "_ms_per_image").get("min").asDouble();
            row("decode ms/image, " + (beam == 1 ? "greedy" : "beam 3"), m.get("decode_beam" + beam + "_ms"), peerMs,
                    peerMs / m.get("decode_beam" + beam + "_ms"));
        }
        double peerE2e = peer == null ? Double.NaN : peer.get("end_to_end_beam3_ips").get("best").asDouble();
        row("end-to-end images/s (files, beam 3)", m.get("end_to_end"), peerE2e, m.get("end_to_end") / peerE2e);
        double peerStep = peer == null ? Double.NaN : peer.get("train_step_ms").get("min").asDouble();
        row("train step ms (batch 64, 20 words)", m.get("train_step_ms"), peerStep, peerStep / m.get("train_step_ms"));
        System.out.printf(Locale.ROOT, "medians: encoder b1/b8/b32 %.1f/%.1f/%.1f img/s, end-to-end %.1f img/s, train step %.0f ms%n",
                m.get("encoder_b1_median"), m.get("encoder_b8_median"), m.get("encoder_b32_median"),
                m.get("end_to_end_median"), m.get("train_step_ms_median"));
        System.out.printf(Locale.ROOT, "encoder: ~%.2f GFLOP/image (MobileNetV2 at 224) -> %.1f GFLOP/s at its best batch%n",
                MOBILENET_V2_GFLOP, MOBILENET_V2_GFLOP * m.get("encoder_best"));
        System.out.printf(Locale.ROOT, "against the earlier design (decoders block by block, averaged in Java; search beside"
                        + " the encoder): decode beam 3 %.2f -> %.2f ms/image (%.2fx), end-to-end %.1f -> %.1f images/s"
                        + " (%.2fx)%n", m.get("baseline_decode_beam3_ms"), m.get("decode_beam3_ms"),
                m.get("baseline_decode_beam3_ms") / m.get("decode_beam3_ms"), m.get("baseline_end_to_end"),
                m.get("end_to_end"), m.get("end_to_end") / m.get("baseline_end_to_end"));
        if (large > 0) {
            System.out.printf(Locale.ROOT, "memory captioning %d generated images: RSS %.0f MB at start, peak %.0f MB,"
                            + " %.0f MB at end (%.1f images/s)%n", large, m.get("rss_start_mb"), m.get("rss_peak_mb"),
                    m.get("rss_end_mb"), m.get("large_ips"));
        }
        System.out.printf(Locale.ROOT, "ratios end_to_end=%.2f train_step=%.2f vs_encoder=%.2f%n",
                m.get("end_to_end") / peerE2e, peerStep / m.get("train_step_ms"), m.get("end_to_end") / m.get("encoder_best"));
    }

    private static void row(String name, double mine, double peer, double ratio) {
        System.out.println(String.format(Locale.ROOT, "%-42s %12.2f %12.2f %8.2f", name, mine, peer, ratio));
    }
}
