package org.captioner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.captioner.bundle.ModelBundle;
import org.captioner.search.BeamSearch;
import org.captioner.search.GreedySearch;
import org.captioner.search.Hypothesis;
import org.captioner.search.SearchSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionDecoderTest {

    @Test
    void stepByStepLogitsEqualTheFullSequence() {
        for (int layers = 1; layers <= 2; layers++) {
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                Engine.getInstance().setRandomSeed(3);
                CaptionDecoder decoder = new CaptionDecoder(new DecoderConfig(12, 6, 5, 7, layers, 0.3));
                decoder.initialize(m);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray features = m.randomNormal(new Shape(2, 6));
                NDArray tokens = m.create(new long[] {1, 5, 7, 9, 1, 4, 4, 11}, new Shape(2, 4));
                NDArray full = decoder.forward(ps, new NDList(features, tokens), false).singletonOrThrow();
                assertArrayEquals(new long[] {2, 4, 12}, full.getShape().getShape());
                NDList state = decoder.initialState(ps, features, false);
                NDArray h = state.get(0);
                NDArray c = state.get(1);
                for (int t = 0; t < 4; t++) {
                    NDList out = decoder.step(ps, tokens.get(":, " + t), h, c);
                    assertArrayEquals(full.get(":, " + t + ", :").toFloatArray(), out.get(0).toFloatArray(), 1e-5f);
                    h = out.get(1);
                    c = out.get(2);
                }
            }
        }
    }

    @Test
    void beamOfOneEqualsGreedyOnTheRealDecoder() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(5);
            CaptionDecoder decoder = new CaptionDecoder(new DecoderConfig(15, 8, 6, 10, 1, 0));
            decoder.initialize(m);
            float[][] feats = new float[4][8];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 8; j++) {
                    feats[i][j] = (float) Math.sin(i * 3 + j);
                }
            }
            SearchSettings s = SearchSettings.of(8, 0);
            List<Hypothesis> greedy = new GreedySearch(s).search(new DecoderSearchModel(decoder, m), feats);
            List<List<Hypothesis>> beam = new BeamSearch(1, 1, s).search(new DecoderSearchModel(decoder, m), feats);
            List<List<Hypothesis>> wide = new BeamSearch(4, 2, s).search(new DecoderSearchModel(decoder, m), feats);
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(greedy.get(i).words(), beam.get(i).get(0).words());
                assertEquals(greedy.get(i).logProb(), beam.get(i).get(0).logProb(), 1e-4);
                // A wider beam never finds a worse best caption (α = 0: raw log-probability).
                assertEquals(2, wide.get(i).size());
                assert wide.get(i).get(0).score() >= greedy.get(i).score() - 1e-4;
            }
        }
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new DecoderConfig(3, 10, 8, 8, 1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new DecoderConfig(100, 10, 8, 8, 3, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new DecoderConfig(100, 10, 8, 8, 1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new DecoderConfig(100, 0, 8, 8, 1, 0.1));
    }

    @Test
    void float16StorageHalvesTheFileAndLoadsBackAsFloat32(@TempDir Path tmp) throws Exception {
        DecoderConfig config = new DecoderConfig(300, 16, 32, 64, 1, 0.2);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(11);
            CaptionDecoder decoder = new CaptionDecoder(config);
            decoder.initialize(m);
            Path full = tmp.resolve("full.params");
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(full))) {
                decoder.saveParameters(out);
            }
            Path half = tmp.resolve("half.params");
            ModelBundle.copyDecoder(full, half, config, DataType.FLOAT16);
            double ratio = (double) Files.size(half) / Files.size(full);
            assertTrue(ratio > 0.45 && ratio < 0.55, "float16 file is " + ratio + " of float32");

            CaptionDecoder loaded = new CaptionDecoder(config);
            loaded.loadParameters(m, half);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray features = m.randomNormal(new Shape(3, 16));
            NDArray tokens = m.create(new long[] {1, 5, 7, 9, 1, 4, 4, 11, 1, 299, 3, 2}, new Shape(3, 4));
            NDArray expected = decoder.forward(ps, new NDList(features, tokens), false).singletonOrThrow();
            NDArray actual = loaded.forward(ps, new NDList(features, tokens), false).singletonOrThrow();
            assertEquals(DataType.FLOAT32, actual.getDataType());
            for (var p : loaded.getParameters().values()) {
                assertEquals(DataType.FLOAT32, p.getArray().getDataType(), p.getName());
            }
            // float16 keeps about 3 significant digits of each weight.
            assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 2e-3f);
            assertTrue(expected.sub(actual).abs().max().getFloat() > 0, "float16 rounding should show somewhere");
        }
    }
}
