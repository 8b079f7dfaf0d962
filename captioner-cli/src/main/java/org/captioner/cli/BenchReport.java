package org.captioner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.captioner.cli.BenchPeer.Outcome;
import org.captioner.cli.BenchPeer.State;

/**
 * What {@code ./captioner bench} prints: the peer's configuration (or one line on why there is no
 * peer), captioner's figures beside the peer's, and a machine-readable {@code ratios} line in which a
 * ratio without a fair peer is {@code NA}, never NaN.
 */
final class BenchReport {

    /**
     * How captioner ran: its engine, intra-op threads, OMP_WAIT_POLICY (null if unset; the peer
     * defaults to PASSIVE, so both are printed), GLIBC_TUNABLES (null if unset; the peer inherits
     * it), decoders searched per step (the ensemble's members), the length penalty α of its ranking,
     * the default search's beam and trigram blocking (the end-to-end row's, on both sides), and
     * whether ./captioner's MKL vendor-check library is preloaded (in LD_PRELOAD, and the file exists).
     */
    record Side(String engine, int threads, String waitPolicy, String mallocTunables, int decoders,
            double lengthPenalty, int beam, boolean blockTrigrams, boolean mklAnyCpu) {}

    private final Map<String, Double> mine;
    private final Side side;
    private final Outcome peer;
    /** The peer's figures when they may stand beside captioner's (fair, or allowed), else null. */
    private final JsonNode figures;

    BenchReport(Map<String, Double> mine, Side side, Outcome peer) {
        this.mine = mine;
        this.side = side;
        this.peer = peer;
        this.figures = peer.measured() ? peer.figures() : null;
    }

    void print(int large) {
        peerBlock().forEach(System.out::println);
        table();
        summary(large);
        System.out.println(context());
        System.out.println(ratios());
    }

    /** The peer's torch, BLAS and threads (what decides whether it is a fair peer), then its state. */
    List<String> peerBlock() {
        List<String> out = new ArrayList<>();
        JsonNode c = peer.config();
        if (c != null) {
            out.add(String.format(Locale.ROOT, "peer: torch %s (Python %s), %d threads, OPENBLAS_NUM_THREADS=%s,"
                            + " OMP_WAIT_POLICY=%s", c.path("torch").asText(), c.path("python").asText(),
                    c.path("threads").asInt(), c.path("openblas_num_threads").asText(),
                    c.path("omp_wait_policy").asText()));
            out.add("peer BLAS: " + c.path("blas").path("kind").asText() + ", loaded from "
                    + String.join(", ", BenchPeer.libraries(c)));
            List<String> build = new ArrayList<>();
            c.path("build").forEach(l -> build.add(l.asText()));
            out.add("peer torch build: " + String.join("; ", build));
            String coretype = c.path("openblas_coretype").asText(null);
            String probe = c.path("openblas_coretype_probe").asText(null);
            out.add((coretype == null ? "peer OPENBLAS_CORETYPE not set (OpenBLAS detects the CPU itself)"
                    : "peer OPENBLAS_CORETYPE=" + coretype)
                    + (probe == null ? "" : "; kernel sets tried (kept if correct and 10 % faster): " + probe));
        }
        out.add(matmulLine());
        out.add("malloc: GLIBC_TUNABLES" + (side.mallocTunables() == null ? " unset (glibc's defaults: every large"
                + " block a fresh mmap; ./captioner sets them)" : "=" + side.mallocTunables()) + ", the same for the peer");
        out.add(decodersLine());
        if (peer.state() != State.OK) {
            out.add("peer " + peer.state().label() + ": " + peer.reason()
                    + (peer.state() == State.UNFAIR ? "" : "; captioner's figures only"));
        }
        return out;
    }

    private String matmulLine() {
        String own = String.format(Locale.ROOT, "matmul %s fp32, best of %d: captioner %.1f GFLOP/s (%s, %d threads,"
                        + " OMP_WAIT_POLICY %s%s)", BenchCommand.MATMUL_SHAPE, BenchCommand.MATMUL_REPS,
                mine.get("matmul_gflops"), side.engine(), side.threads(),
                side.waitPolicy() == null ? "unset" : "=" + side.waitPolicy(),
                side.mklAnyCpu() ? "; ./captioner's MKL vendor-check library preloaded" : "");
        JsonNode c = peer.config();
        return c == null ? own : own + String.format(Locale.ROOT, ", peer %.1f GFLOP/s (torch %s, %d threads)",
                peerMatmul(), c.path("torch").asText(), c.path("threads").asInt());
    }

    private String decodersLine() {
        String own = String.format(Locale.ROOT, "decoders per search step: captioner %d (mean of log-softmax,"
                + " length penalty %.2f%s; beam 3 captions %.1f words on average)", side.decoders(), side.lengthPenalty(),
                side.blockTrigrams() ? ", repeated trigrams and words blocked on both sides" : "", mine.get("decode_beam3_words"));
        if (figures == null) {
            return own;
        }
        return own + String.format(Locale.ROOT, ", peer %d (%s weights, length penalty %.2f; %.1f words)",
                figures.path("decoders").asInt(), figures.path("weights").asText(),
                figures.path("length_penalty").asDouble(), figures.path("decode_beam3_mean_words").asDouble());
    }

    private void table() {
        System.out.println(String.format(Locale.ROOT, "%-50s %12s %12s %8s", "figure (best of reps; decoders captioner|peer)",
                "captioner", "peer", "ratio"));
        for (int b : BenchCommand.ENCODER_BATCHES) {
            double peerIps = peerValue("encoder_b" + b + "_ips", "best_ips");
            row("encoder images/s, batch " + b, mine.get("encoder_b" + b), peerIps);
        }
        // The bundle's other encoders have no peer: their ratio column is against its own encoder above.
        for (String variant : BenchCommand.ENCODER_VARIANTS) {
            for (int b : BenchCommand.ENCODER_BATCHES) {
                Double own = mine.get(variant + "_encoder_b" + b);
                if (own != null) {
                    row(variantLabel(variant) + " encoder images/s, batch " + b + " (x own)", own, Double.NaN,
                            own / mine.get("encoder_b" + b));
                }
            }
        }
        for (String key : new String[] {"greedy", "beam3"}) {
            double own = mine.get("decode_" + key + "_ms");
            double peerMs = peerValue("decode_" + key + "_ms_per_image", "min");
            row("decode ms/image, " + (key.equals("greedy") ? "greedy" : "beam 3") + ", " + decoders(), own, peerMs,
                    peerMs / own);
        }
        // The label stays within the 50-column name field; the decoders line says how the search ran.
        row("end-to-end images/s, files, beam " + side.beam() + ", " + decoders(), mine.get("end_to_end"),
                peerValue("end_to_end_ips", "best"));
        double step = mine.get("train_step_ms");
        double peerStep = peerValue("train_step_ms", "min");
        row("train step ms (batch 64, 20 words), decoders 1" + (figures == null ? "" : "|1"), step, peerStep,
                peerStep / step);
    }

    /** Decoders per search step on each side, for the search rows. */
    private String decoders() {
        return "decoders " + side.decoders() + (figures == null ? "" : "|" + figures.path("decoders").asInt());
    }

    private void summary(int large) {
        System.out.printf(Locale.ROOT, "medians: encoder b1/b8/b32 %.1f/%.1f/%.1f img/s, end-to-end %.1f img/s,"
                        + " train step %.0f ms%n", mine.get("encoder_b1_median"), mine.get("encoder_b8_median"),
                mine.get("encoder_b32_median"), mine.get("end_to_end_median"), mine.get("train_step_ms_median"));
        System.out.printf(Locale.ROOT, "peak: fp32 %.1f GFLOP/s (the best product in this run: captioner's square"
                        + " products of sides %s reached %.1f%s)%s%n", fp32Peak(),
                java.util.Arrays.toString(BenchCommand.PEAK_SIDES), mine.get("peak_fp32_gflops"),
                Double.isFinite(peerMatmul()) ? String.format(Locale.ROOT, ", the peer's matmul %.1f", peerMatmul()) : "",
                mine.containsKey("peak_int8_gops") ? String.format(Locale.ROOT, ", int8 %.1f GOP/s (%s)",
                        mine.get("peak_int8_gops"), BenchCommand.INT8_PROBE) : ", int8 not measured ("
                        + BenchCommand.INT8_PROBE + " missing)");
        encoderShare("encoder (float, PyTorch)", "", fp32Peak(), "fp32");
        encoderShare("encoder (float, ONNX Runtime)", "onnx_", fp32Peak(), "fp32");
        encoderShare("encoder (int8, PyTorch)", "int8_", mine.getOrDefault("peak_int8_gops", Double.NaN), "int8");
        if (mine.containsKey("decode_beam3_grounded_ms")) {
            System.out.printf(Locale.ROOT, "grounding (the bundle's default; off in the rows above, as the peer has none):"
                            + " decode beam 3 %.2f ms/image with it, %.2f without (%.2fx)%n",
                    mine.get("decode_beam3_grounded_ms"), mine.get("decode_beam3_ms"),
                    mine.get("decode_beam3_grounded_ms") / mine.get("decode_beam3_ms"));
        }
        System.out.printf(Locale.ROOT, "against the earlier design (decoders block by block, averaged in Java; search beside"
                        + " the encoder): decode beam 3 %.2f -> %.2f ms/image (%.2fx), end-to-end %.1f -> %.1f images/s"
                        + " (%.2fx)%n", mine.get("baseline_decode_beam3_ms"), mine.get("decode_beam3_ms"),
                mine.get("baseline_decode_beam3_ms") / mine.get("decode_beam3_ms"), mine.get("baseline_end_to_end"),
                mine.get("end_to_end"), mine.get("end_to_end") / mine.get("baseline_end_to_end"));
        if (large > 0) {
            System.out.printf(Locale.ROOT, "memory captioning %d generated images: RSS %.0f MB at start, peak %.0f MB,"
                            + " %.0f MB at end (%.1f images/s)%n", large, mine.get("rss_start_mb"), mine.get("rss_peak_mb"),
                    mine.get("rss_end_mb"), mine.get("large_ips"));
        }
    }

    /** One summary line: an encoder's rate at its best batch, in GFLOP/s and as a share of a peak. */
    private void encoderShare(String label, String prefix, double peak, String kind) {
        Double best = mine.get(prefix + "encoder_best");
        if (best == null || !Double.isFinite(peak)) {
            return;
        }
        double rate = BenchCommand.MOBILENET_V2_GFLOP * best;
        System.out.printf(Locale.ROOT, "%s: ~%.2f G%s/image (MobileNetV2 at 224) x %.1f images/s at its best batch"
                        + " = %.1f G%s/s, %.0f%% of the %s peak%n", label, BenchCommand.MOBILENET_V2_GFLOP,
                kind.equals("int8") ? "OP" : "FLOP", best, rate, kind.equals("int8") ? "OP" : "FLOP",
                100 * rate / peak, kind);
    }

    private static String variantLabel(String variant) {
        return variant.equals("onnx") ? "ONNX RT" : variant;
    }

    /**
     * {@code ratios end_to_end=X train_step=X encoder_vs_onnxruntime=X encoder_share_of_peak=X}, every
     * one from this run: end-to-end (default model and search) and the training step are captioner over
     * the peer, {@code NA} unless the peer is a fair one (state ok); the encoder (float, PyTorch, best
     * batch) is over ONNX Runtime's on the same network, and its GFLOP/s over the fp32 peak
     * ({@link #fp32Peak}). The peer's state and the int8 figures are on the line before.
     */
    String ratios() {
        // Only a fair peer is a baseline: with --allow-reference-blas its figures are shown, not divided by.
        boolean fair = peer.state() == State.OK;
        double endToEnd = fair ? mine.get("end_to_end") / peerValue("end_to_end_ips", "best") : Double.NaN;
        double trainStep = fair ? peerValue("train_step_ms", "min") / mine.get("train_step_ms") : Double.NaN;
        Double onnx = mine.get("onnx_encoder_best");
        double vsOnnx = onnx == null ? Double.NaN : mine.get("encoder_best") / onnx;
        double share = BenchCommand.MOBILENET_V2_GFLOP * mine.get("encoder_best") / fp32Peak();
        return String.format(Locale.ROOT, "ratios end_to_end=%s train_step=%s encoder_vs_onnxruntime=%s"
                + " encoder_share_of_peak=%s", ratio(endToEnd), ratio(trainStep), ratio(vsOnnx), ratio(share));
    }

    /**
     * The line before {@link #ratios()}: the peer's state, the matmul check, and the int8 encoder against
     * the float trunk (the bundle's "float" variant where it has one, else its own encoder).
     */
    String context() {
        double matmul = figures == null ? Double.NaN : mine.get("matmul_gflops") / peerMatmul();
        Double int8 = mine.get("int8_encoder_best");
        double floatTrunk = mine.getOrDefault("float_encoder_best", mine.get("encoder_best"));
        return String.format(Locale.ROOT, "peer=%s matmul=%s int8_vs_float_encoder=%s int8_share_of_int8_peak=%s",
                peer.state().label(), ratio(matmul), ratio(int8 == null ? Double.NaN : int8 / floatTrunk),
                ratio(int8 == null || !mine.containsKey("peak_int8_gops") ? Double.NaN
                        : BenchCommand.MOBILENET_V2_GFLOP * int8 / mine.get("peak_int8_gops")));
    }

    /**
     * The fp32 peak the encoder is quoted against: the fastest fp32 product measured in this run,
     * captioner's square products or the peer's matmul, whichever is higher.
     */
    double fp32Peak() {
        double own = mine.get("peak_fp32_gflops");
        double theirs = peerMatmul();
        return Double.isFinite(theirs) ? Math.max(own, theirs) : own;
    }

    private double peerMatmul() {
        return peer.config() == null ? Double.NaN : peer.config().path("matmul").path("gflops").asDouble(Double.NaN);
    }

    /** A figure of the peer's, NaN when it has none to compare. */
    private double peerValue(String figure, String field) {
        return figures == null ? Double.NaN : figures.path(figure).path(field).asDouble(Double.NaN);
    }

    private void row(String name, double own, double peerFigure) {
        row(name, own, peerFigure, own / peerFigure);
    }

    private static void row(String name, double own, double peerFigure, double ratio) {
        System.out.println(String.format(Locale.ROOT, "%-50s %12s %12s %8s", name, number(own), number(peerFigure),
                number(ratio)));
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }

    private static String ratio(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "NA";
    }
}
