package org.captioner.cli;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.captioner.bundle.ModelBundle;
import org.captioner.model.AttentionDecoder;
import org.captioner.model.CaptionDecoder;
import org.captioner.model.DecoderBlock;

/**
 * The PyTorch peer of {@code ./captioner bench} ({@code bench/peer.py}). It is checked before any
 * time is spent (can python import torch? on which BLAS?), then run on the same photos, encoder and
 * decoder weights as captioner. Every way it can fall short ends in an {@link Outcome} with a
 * one-line reason, so the bench always prints captioner's own figures.
 */
final class BenchPeer {

    /** Long enough for a cold {@code import torch} on a busy 2-core machine. */
    private static final long PROBE_SECONDS = 120;
    /** The import plus six 2.7 GFLOP products, even on the reference BLAS (~0.6 s each). */
    private static final long CONFIG_SECONDS = 300;

    /** What became of the peer. */
    enum State {
        /** Measured on an optimised BLAS: its ratios stand. */
        OK,
        /** Measured on a BLAS that is not an optimised one, because the user allowed it. */
        UNFAIR,
        /** Not run: --no-peer, no python or torch, or a reference BLAS. */
        SKIPPED,
        /** Started, but died or printed no result. */
        FAILED;

        /** The word the {@code ratios} line uses. */
        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The peer's state, why it is not {@link State#OK} (one line, null when it is), its configuration
     * (null if it never started) and its figures (null unless it ran).
     */
    record Outcome(State state, String reason, JsonNode config, JsonNode figures) {
        static Outcome skipped(String reason) {
            return new Outcome(State.SKIPPED, reason, null, null);
        }

        /** Whether there are figures to compare with. */
        boolean measured() {
            return figures != null;
        }
    }

    /**
     * What the peer measures: the same inputs, model and search settings as captioner, and the same
     * training step (the bundle's kind of decoder: {@code attention} 0 for Show-and-Tell, else the
     * attention width, on {@code regions} regions per image).
     */
    record Work(Path encoder, List<Path> photos, Path model, int decoders, int vocab, double lengthPenalty,
            int maxLength, int beam, boolean blockTrigrams, int searchBatch, int reps, int attention,
            int regions) {}

    /**
     * OpenBLAS kernel sets tried for the peer on x86-64 besides its own detection and the
     * environment's choice: an OPENBLAS_CORETYPE set for safety (older OpenBLAS builds misdetect
     * newer CPUs) can hold the peer to AVX2 kernels on an AVX-512 CPU, at about half its speed. One
     * replaces the environment's only if its products are correct and it is at least 10 % faster.
     */
    private static final List<String> X86_CORETYPES = List.of("Haswell", "SkylakeX", "Cooperlake", "Zen");
    /** The config probe's name for "OPENBLAS_CORETYPE unset: OpenBLAS detects the CPU itself". */
    private static final String DETECT = "";

    private final String python;
    private final Path script;
    private final int threads;
    private final boolean allowReferenceBlas;
    /** The OPENBLAS_CORETYPE every peer run gets ({@link #DETECT}: unset), or null for the environment's, unchanged. */
    private String coretype;

    /**
     * @param threads intra-op threads, the same as captioner's engine uses
     * @param allowReferenceBlas run the peer even on a BLAS that is not an optimised one
     */
    BenchPeer(String python, Path script, int threads, boolean allowReferenceBlas) {
        this.python = python;
        this.script = script;
        this.threads = threads;
        this.allowReferenceBlas = allowReferenceBlas;
    }

    /**
     * Up front: whether python imports torch, then the peer's configuration (BLAS, threads, matmul
     * speed). A peer on the reference BLAS is skipped unless allowed: its ratios would measure netlib's
     * BLAS, not PyTorch.
     */
    Outcome check() throws InterruptedException {
        String problem = importProblem();
        if (problem != null) {
            return Outcome.skipped(problem);
        }
        Exit first;
        try {
            first = configure(null);
        } catch (IOException e) {
            return Outcome.skipped("cannot run " + script + ": " + e.getMessage());
        }
        JsonNode config = first.result();
        if (config == null) {
            return Outcome.skipped(script.getFileName() + " --config-only " + first.failure());
        }
        coretype = null;
        // Only OpenBLAS reads OPENBLAS_CORETYPE. A value set in the environment can hold it to older
        // kernels (AVX2 on an AVX-512 CPU: half the speed here), so other kernel sets are tried too; one
        // replaces the environment's if its products are correct and it is clearly (10 %) faster, or if
        // the environment's products are wrong.
        if ("OpenBLAS".equals(config.path("blas").path("kind").asText())) {
            boolean baselineCorrect = config.path("matmul").path("correct").asBoolean(false);
            double baseline = baselineCorrect ? gflops(config) : 0;
            List<String> tried = new ArrayList<>(List.of(String.format(Locale.ROOT, "%s %.1f%s", label(null),
                    gflops(config), baselineCorrect ? "" : " (wrong results)")));
            for (String candidate : alternativeCoretypes()) {
                JsonNode c;
                try {
                    c = configure(candidate).result();
                } catch (IOException e) {
                    c = null;
                }
                if (c == null || !c.path("matmul").path("correct").asBoolean(false)) {
                    tried.add(label(candidate) + (c == null ? " failed" : " wrong results"));
                    continue;
                }
                tried.add(String.format(Locale.ROOT, "%s %.1f", label(candidate), gflops(c)));
                // Clearly faster than the environment's, and the fastest such set so far.
                if (gflops(c) > 1.1 * baseline && (coretype == null || gflops(c) > gflops(config))) {
                    config = c;
                    coretype = candidate;
                }
            }
            if (config instanceof ObjectNode o && tried.size() > 1) {
                o.put("openblas_coretype_probe", String.join(", ", tried) + " GFLOP/s; kept " + label(coretype));
            }
        }
        JsonNode blas = config.path("blas");
        if (blas.path("optimized").asBoolean()) {
            return new Outcome(State.OK, null, config, null);
        }
        String which = blas.path("kind").asText("unknown") + " BLAS (" + String.join(", ", libraries(config)) + ")";
        return allowReferenceBlas
                ? new Outcome(State.UNFAIR, "the peer ran on " + which + ", not an optimised one: its ratios are"
                        + " against an unfair peer (--allow-reference-blas)", config, null)
                : new Outcome(State.SKIPPED, "its torch would run on " + which + ", about a tenth of OpenBLAS's"
                        + " speed; apt install libopenblas0-pthread (or pass --allow-reference-blas)", config, null);
    }

    /** The peer's configuration and matmul speed with OPENBLAS_CORETYPE as {@code candidate} says. */
    private Exit configure(String candidate) throws IOException, InterruptedException {
        return execute(List.of(python, script.toString(), "--config-only", "--threads", String.valueOf(threads)),
                CONFIG_SECONDS, candidate);
    }

    private static double gflops(JsonNode config) {
        return config.path("matmul").path("gflops").asDouble();
    }

    /** How the probe line names a candidate. */
    private static String label(String candidate) {
        if (candidate == null) {
            String own = System.getenv("OPENBLAS_CORETYPE");
            return own == null ? "detected" : "environment's " + own;
        }
        return candidate.isEmpty() ? "detected" : candidate;
    }

    /**
     * The OPENBLAS_CORETYPE values to try besides the environment's: OpenBLAS's own detection when
     * the environment sets one, and on x86-64 the kernel sets of {@link #X86_CORETYPES}.
     */
    private static List<String> alternativeCoretypes() {
        String own = System.getenv("OPENBLAS_CORETYPE");
        List<String> out = new ArrayList<>();
        if (own != null) {
            out.add(DETECT);
        }
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            X86_CORETYPES.stream().filter(c -> !c.equalsIgnoreCase(own)).forEach(out::add);
        }
        return out;
    }

    /** The BLAS libraries the peer's process loaded, as it reported them. */
    static List<String> libraries(JsonNode config) {
        List<String> out = new ArrayList<>();
        config.path("blas").path("libraries").forEach(l -> out.add(l.asText()));
        return out.isEmpty() ? List.of("no BLAS library loaded") : out;
    }

    /** Why {@code python -c 'import torch'} fails (one line), or null if it works. */
    private String importProblem() throws InterruptedException {
        Exit exit;
        try {
            exit = execute(List.of(python, "-c", "import torch"), PROBE_SECONDS, null);
        } catch (IOException e) {
            // ProcessBuilder's message repeats the command; its cause says why (e.g. "No such file or directory").
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            return python + " cannot be run (" + why + "); apt install python3-torch libopenblas0-pthread, or pass"
                    + " --python";
        }
        if (exit.status() == 0) {
            return null;
        }
        return python + " cannot import torch (" + exit.failure() + "); apt install python3-torch libopenblas0-pthread";
    }

    /**
     * Runs the peer on {@code work} after a successful {@link #check}; any failure becomes a
     * {@link State#FAILED} outcome with the peer's last error line.
     */
    Outcome run(Outcome checked, Work work) throws InterruptedException {
        if (checked.state() == State.SKIPPED) {
            return checked;
        }
        Path weights = null;
        Path list = null;
        try {
            weights = exportDecoders(work.model());
            list = Files.createTempFile("captioner-bench", ".txt");
            Files.write(list, work.photos().stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
            Exit exit = execute(command(work, list, weights), 0, coretype);
            boolean fellBack = false;
            if (exit.result() == null && coretype != null) {
                // The probe's faster kernel set failed the whole run: measure with the environment's instead.
                coretype = null;
                fellBack = true;
                exit = execute(command(work, list, weights), 0, null);
            }
            JsonNode figures = exit.result();
            if (figures instanceof ObjectNode o && checked.config() != null
                    && checked.config().has("openblas_coretype_probe")) {
                o.put("openblas_coretype_probe", checked.config().get("openblas_coretype_probe").asText()
                        + (fellBack ? "; the fastest failed the full run, which then ran with the environment's" : ""));
            }
            return figures == null
                    ? new Outcome(State.FAILED, script.getFileName() + " " + exit.failure(), checked.config(), null)
                    : new Outcome(checked.state(), checked.reason(), figures, figures);
        } catch (IOException e) {
            return new Outcome(State.FAILED, "cannot run the peer: " + e.getMessage(), checked.config(), null);
        } finally {
            BenchCommand.deleteTree(list);
            BenchCommand.deleteTree(weights);
        }
    }

    private List<String> command(Work work, Path list, Path weights) {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--encoder",
                work.encoder().toString(), "--images", list.toString(), "--vocab", String.valueOf(work.vocab()),
                "--weights", weights.toString(), "--decoders", String.valueOf(work.decoders()), "--length-penalty",
                String.valueOf(work.lengthPenalty()), "--max-length", String.valueOf(work.maxLength()), "--beam",
                String.valueOf(work.beam()), "--search-batch", String.valueOf(work.searchBatch()), "--threads",
                String.valueOf(threads), "--reps", String.valueOf(work.reps()), "--attention",
                String.valueOf(work.attention()), "--regions", String.valueOf(work.regions())));
        if (work.blockTrigrams()) {
            command.add("--block-trigrams");
        }
        return command;
    }

    /**
     * Writes the bundle's decoders for the peer, so that its beam search meets the same word
     * probabilities and stops after as many words as captioner's (random weights never pick
     * {@code <end>} and would run every caption to the length limit): {@code weights.f32} holds the
     * tensors as little-endian float32, {@code index.json} each member's sizes and, per tensor, its
     * PyTorch parameter name, offset (in floats) and shape.
     */
    static Path exportDecoders(Path model) throws IOException {
        Path dir = Files.createTempDirectory("captioner-bench-weights");
        // Tens of MB: gone even if the bench is stopped mid-run (deleted in reverse order, files first).
        for (Path p : List.of(dir, dir.resolve("weights.f32"), dir.resolve("index.json"))) {
            p.toFile().deleteOnExit();
        }
        List<Map<String, Object>> members = new ArrayList<>();
        try (ModelBundle bundle = ModelBundle.load(model);
                FileChannel out = FileChannel.open(dir.resolve("weights.f32"), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
            long offset = 0;
            for (DecoderBlock block : bundle.decoders()) {
                Map<String, NDArray> named = block instanceof CaptionDecoder decoder ? peerNames(decoder)
                        : ((AttentionDecoder) block).weights();
                Map<String, Object> tensors = new LinkedHashMap<>();
                for (Map.Entry<String, NDArray> t : named.entrySet()) {
                    float[] values = t.getValue().toFloatArray();
                    write(out, values);
                    tensors.put(t.getKey(), Map.of("offset", offset, "shape", t.getValue().getShape().getShape()));
                    offset += values.length;
                }
                // The peer builds its Decoder or AttentionDecoder from the config: attentionSize > 0 names the latter.
                members.add(Map.of("config", block.config(), "tensors", tensors));
            }
        }
        new ObjectMapper().writeValue(dir.resolve("index.json").toFile(), Map.of("members", members));
        return dir;
    }

    /** A decoder's weights under the names of peer.py's {@code Decoder} (PyTorch's own LSTM names). */
    private static Map<String, NDArray> peerNames(CaptionDecoder decoder) {
        CaptionDecoder.Weights w = decoder.weights();
        Map<String, NDArray> named = new LinkedHashMap<>();
        named.put("embed.weight", w.embedding());
        named.put("init_h.weight", w.initHWeight());
        named.put("init_h.bias", w.initHBias());
        named.put("init_c.weight", w.initCWeight());
        named.put("init_c.bias", w.initCBias());
        for (int l = 0; l < w.inputWeights().size(); l++) {
            named.put("lstm.weight_ih_l" + l, w.inputWeights().get(l));
            named.put("lstm.weight_hh_l" + l, w.recurrentWeights().get(l));
            named.put("lstm.bias_ih_l" + l, w.inputBiases().get(l));
            named.put("lstm.bias_hh_l" + l, w.recurrentBiases().get(l));
        }
        named.put("out.weight", w.outputWeight());
        named.put("out.bias", w.outputBias());
        return named;
    }

    private static void write(FileChannel out, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** A finished child process: its exit status (-1 when stopped at the time limit) and output. */
    record Exit(int status, String out, String err, long limitSeconds) {
        /** The JSON object on the last line of output, or null if it failed or printed none. */
        JsonNode result() {
            if (status != 0) {
                return null;
            }
            String last = out.strip().lines().reduce((a, b) -> b).orElse("");
            try {
                JsonNode json = new ObjectMapper().readTree(last);
                return json != null && json.isObject() ? json : null;
            } catch (IOException e) {
                return null;
            }
        }

        /** One line saying how it failed: the last line it wrote to stderr, usually Python's exception. */
        String failure() {
            if (status == -1) {
                return "did not finish within " + limitSeconds + " s";
            }
            String last = err.strip().lines().reduce((a, b) -> b).orElse("no error output");
            return (status == 0 ? "printed no result" : "exited with status " + status) + ": " + last;
        }
    }

    /**
     * Runs a command with its output in temporary files (read once it exits, so nothing can block),
     * in the inherited environment with OPENBLAS_CORETYPE as {@code coretype} says.
     *
     * @param limitSeconds stop it after this long; 0 for no limit
     * @param coretype null: the environment's; {@link #DETECT}: unset; else that kernel set
     */
    private static Exit execute(List<String> command, long limitSeconds, String coretype)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("captioner-peer", ".out");
        Path err = Files.createTempFile("captioner-peer", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (DETECT.equals(coretype)) {
                builder.environment().remove("OPENBLAS_CORETYPE");
            } else if (coretype != null) {
                builder.environment().put("OPENBLAS_CORETYPE", coretype);
            }
            Process p = builder.start();
            // A bench stopped with Ctrl-C would otherwise leave the peer running for minutes.
            Thread stop = new Thread(p::destroyForcibly);
            Runtime.getRuntime().addShutdownHook(stop);
            try {
                boolean done = limitSeconds > 0 ? p.waitFor(limitSeconds, TimeUnit.SECONDS) : p.waitFor() >= 0;
                return new Exit(done ? p.exitValue() : -1, read(out), read(err), limitSeconds);
            } finally {
                p.destroyForcibly();  // nothing if it has exited
                removeHook(stop);
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook is running or has run
        }
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
