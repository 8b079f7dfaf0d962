package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.captioner.cli.BenchPeer.Outcome;
import org.captioner.cli.BenchPeer.State;
import org.junit.jupiter.api.Test;

/** The bench's report without running anything: what it says with and without a peer. */
class BenchReportTest {

    private static final Map<String, Double> MINE = Map.of("end_to_end", 60.0, "encoder_best", 120.0,
            "onnx_encoder_best", 100.0, "int8_encoder_best", 240.0, "peak_fp32_gflops", 144.0,
            "peak_int8_gops", 480.0, "train_step_ms", 150.0, "matmul_gflops", 100.0, "decode_beam3_words", 10.5);
    private static final BenchReport.Side SIDE = new BenchReport.Side("PyTorch 2.7.1 via DJL 0.35.1", 2, null, null,
            3, 0.5, 5, true, false);

    @Test
    void withoutAPeerTheRatiosAreNaAndOneLineSaysWhy() {
        BenchReport report = new BenchReport(MINE, SIDE, Outcome.skipped("--no-peer"));
        assertEquals("ratios end_to_end=NA train_step=NA encoder_vs_onnxruntime=1.20 encoder_share_of_peak=0.50",
                report.ratios());
        assertEquals("peer=skipped matmul=NA int8_vs_float_encoder=2.00 int8_share_of_int8_peak=0.30", report.context());
        List<String> block = report.peerBlock();
        assertEquals(1, block.stream().filter(l -> l.startsWith("peer skipped: --no-peer")).count(), block.toString());
        assertFalse(String.join("\n", block).contains("NaN"), block.toString());
    }

    @Test
    void theInt8EncoderIsQuotedAgainstTheFloatTrunkWhereTheOwnEncoderIsItsFastForm() {
        Map<String, Double> mine = new java.util.HashMap<>(MINE);
        mine.put("float_encoder_best", 60.0);
        BenchReport report = new BenchReport(mine, SIDE, Outcome.skipped("--no-peer"));
        assertEquals("peer=skipped matmul=NA int8_vs_float_encoder=4.00 int8_share_of_int8_peak=0.30", report.context());
        // The own encoder (the fast form) is what is compared with ONNX Runtime.
        assertTrue(report.ratios().contains("encoder_vs_onnxruntime=1.20"), report.ratios());
    }

    @Test
    void aFairPeerGivesRatiosAndItsBlasIsShown() throws Exception {
        JsonNode figures = new ObjectMapper().readTree("""
                {"torch": "1.13.0a0", "python": "3.11.2", "threads": 2, "openblas_num_threads": "2",
                 "openblas_coretype": "SkylakeX",
                 "openblas_coretype_probe": "environment's 30.0, detected 45.0, SkylakeX 50.0 GFLOP/s; kept SkylakeX", "blas": {"kind": "OpenBLAS", "optimized": true,
                 "libraries": ["/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"]},
                 "build": ["BLAS_INFO=generic"], "matmul": {"gflops": 50.0},
                 "decoders": 3, "weights": "bundle", "length_penalty": 0.5, "decode_beam3_mean_words": 10.4,
                 "end_to_end_ips": {"best": 20.0}, "train_step_ms": {"min": 300.0}}""");
        BenchReport.Side mkl = new BenchReport.Side(SIDE.engine(), 2, null, null, 3, 0.5, 5, true, true);
        BenchReport report = new BenchReport(MINE, mkl, new Outcome(State.OK, null, figures, figures));
        assertEquals("ratios end_to_end=3.00 train_step=2.00 encoder_vs_onnxruntime=1.20 encoder_share_of_peak=0.50",
                report.ratios());
        assertEquals("peer=ok matmul=2.00 int8_vs_float_encoder=2.00 int8_share_of_int8_peak=0.30", report.context());
        String block = String.join("\n", report.peerBlock());
        assertTrue(block.contains("peer BLAS: OpenBLAS, loaded from /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp"), block);
        assertTrue(block.contains("OPENBLAS_CORETYPE=SkylakeX; kernel sets tried (kept if correct and 10 % faster):"
                + " environment's 30.0, detected 45.0, SkylakeX 50.0 GFLOP/s; kept SkylakeX"), block);
        assertTrue(block.contains("./captioner's MKL vendor-check library preloaded"), block);
        assertTrue(block.contains("captioner 100.0 GFLOP/s") && block.contains("peer 50.0 GFLOP/s"), block);
        assertTrue(block.contains("captioner 3 (") && block.contains("peer 3 ("), block);
        assertTrue(block.contains("GLIBC_TUNABLES unset"), block);
    }

    @Test
    void anUnfairPeersFiguresAreShownButNotDividedByAndAFasterPeerMatmulRaisesThePeak() throws Exception {
        JsonNode figures = new ObjectMapper().readTree("""
                {"torch": "1.13.0a0", "threads": 2, "blas": {"kind": "reference", "optimized": false,
                 "libraries": []}, "matmul": {"gflops": 288.0}, "decoders": 3,
                 "end_to_end_ips": {"best": 20.0}, "train_step_ms": {"min": 300.0}}""");
        BenchReport report = new BenchReport(MINE, SIDE, new Outcome(State.UNFAIR, "reference BLAS", figures, figures));
        // The peer's 288 GFLOP/s product is the best fp32 rate of the run: 0.6 x 120 / 288 = 0.25.
        assertEquals("ratios end_to_end=NA train_step=NA encoder_vs_onnxruntime=1.20 encoder_share_of_peak=0.25",
                report.ratios());
    }

    @Test
    void aReferenceBlasPeerIsNotComparedButItsMatmulIsShown() throws Exception {
        JsonNode config = new ObjectMapper().readTree("""
                {"torch": "1.13.0a0", "threads": 2, "blas": {"kind": "reference", "optimized": false,
                 "libraries": ["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"]}, "matmul": {"gflops": 4.3}}""");
        BenchReport report = new BenchReport(MINE, SIDE, new Outcome(State.SKIPPED, "reference BLAS", config, null));
        assertEquals("ratios end_to_end=NA train_step=NA encoder_vs_onnxruntime=1.20 encoder_share_of_peak=0.50",
                report.ratios());
        assertTrue(String.join("\n", report.peerBlock()).contains("peer 4.3 GFLOP/s"));
    }
}
