package org.captioner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.captioner.search.BeamSearch;
import org.captioner.search.DecodingModel;
import org.captioner.search.EnsembleModel;
import org.captioner.search.GreedySearch;
import org.captioner.search.Hypothesis;
import org.captioner.search.SearchSettings;
import org.junit.jupiter.api.Test;

/** The fast attention path must give the same numbers as the trained blocks, alone and as an ensemble. */
class StackedAttentionDecodersTest {

    private static final int REGIONS = 9;
    private static final int FEATURES = 6;

    private static List<AttentionDecoder> decoders(NDManager m, int count) {
        List<AttentionDecoder> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Engine.getInstance().setRandomSeed(21 + i);
            AttentionDecoder d = new AttentionDecoder(new DecoderConfig(17, FEATURES, 5, 20, 1, 0.3), 4);
            d.initialize(m, REGIONS);
            out.add(d);
        }
        return out;
    }

    private static float[][] grids(int n) {
        float[][] g = new float[n][REGIONS * FEATURES];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < g[i].length; j++) {
                g[i][j] = (float) Math.sin(1.3 * i + 0.7 * j);
            }
        }
        return g;
    }

    /** The block-by-block reference: one search model per decoder, averaged in Java. */
    private static DecodingModel<?> reference(List<AttentionDecoder> decoders, NDManager m) {
        List<AttentionSearchModel> members = decoders.stream().map(d -> new AttentionSearchModel(d, m)).toList();
        return members.size() == 1 ? members.get(0) : new EnsembleModel(members);
    }

    /**
     * Three steps with beams reordered in between: rows of one image out of order and of uneven
     * count (image 0 twice, then image 1 dropped altogether), as a beam search leaves them.
     */
    private static <S> List<float[][]> steps(DecodingModel<S> model, float[][] grids) {
        List<float[][]> out = new ArrayList<>();
        DecodingModel.Step<S> a = model.step(model.start(grids), new int[] {1, 5, 9});
        out.add(a.logProbs());
        DecodingModel.Step<S> b = model.step(model.select(a.state(), new int[] {2, 0, 0, 1}), new int[] {4, 4, 16, 7});
        out.add(b.logProbs());
        DecodingModel.Step<S> c = model.step(model.select(b.state(), new int[] {1, 0, 2}), new int[] {3, 8, 8});
        out.add(c.logProbs());
        model.release(c.state());
        return out;
    }

    @Test
    void logProbabilitiesEqualTheBlocks() {
        for (int members = 1; members <= 3; members += 2) {
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                List<AttentionDecoder> ds = decoders(m, members);
                List<float[][]> want = steps(reference(ds, m), grids(3));
                try (StackedAttentionDecoders stacked = new StackedAttentionDecoders(ds, m)) {
                    List<float[][]> got = steps(stacked.searchModel(m), grids(3));
                    for (int s = 0; s < want.size(); s++) {
                        for (int r = 0; r < want.get(s).length; r++) {
                            assertArrayEquals(want.get(s)[r], got.get(s)[r], 2e-5f,
                                    "members " + members + ", step " + s + ", row " + r);
                        }
                    }
                }
            }
        }
    }

    @Test
    void deviceRankingEqualsJavaRankingAndNeverReturnsBannedWords() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); StackedAttentionDecoders stacked =
                new StackedAttentionDecoders(decoders(m, 2), m)) {
            JavaRanked.assertRanksAsInJava(stacked.searchModel(m), grids(4), new int[] {1, 1, 1, 1}, 5, Set.of(0, 1, 3));
        }
    }

    @Test
    void searchesGiveTheSameCaptions() {
        for (int members = 1; members <= 2; members++) {
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                List<AttentionDecoder> ds = decoders(m, members);
                float[][] grids = grids(6);
                SearchSettings s = SearchSettings.of(9, 0.5).withBlockedTrigrams(true);
                try (StackedAttentionDecoders stacked = new StackedAttentionDecoders(ds, m)) {
                    List<List<Hypothesis>> want = new BeamSearch(3, 2, s).search(reference(ds, m), grids);
                    List<List<Hypothesis>> got = new BeamSearch(3, 2, s).search(stacked.searchModel(m), grids);
                    assertEquals(want.size(), got.size());
                    for (int i = 0; i < want.size(); i++) {
                        assertEquals(want.get(i).size(), got.get(i).size());
                        for (int j = 0; j < want.get(i).size(); j++) {
                            assertArrayEquals(want.get(i).get(j).words(), got.get(i).get(j).words());
                            assertEquals(want.get(i).get(j).logProb(), got.get(i).get(j).logProb(), 1e-4);
                        }
                    }
                    List<Hypothesis> greedyWant = new GreedySearch(s).search(reference(ds, m), grids);
                    List<Hypothesis> greedyGot = new GreedySearch(s).search(stacked.searchModel(m), grids);
                    for (int i = 0; i < grids.length; i++) {
                        assertArrayEquals(greedyWant.get(i).words(), greedyGot.get(i).words());
                    }
                }
            }
        }
    }

    @Test
    void eachKindGetsItsOwnFastFormAndMixedKindsNone() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            List<DecoderBlock> attention = new ArrayList<>(decoders(m, 1));
            CaptionDecoder plain = new CaptionDecoder(new DecoderConfig(17, FEATURES, 5, 20, 1, 0.3));
            plain.initialize(m);
            try (FastDecoders a = FastDecoders.of(attention, m); FastDecoders b = FastDecoders.of(List.of(plain), m)) {
                assertInstanceOf(StackedAttentionDecoders.class, a);
                assertInstanceOf(StackedDecoders.class, b);
            }
            attention.add(plain);
            assertNull(FastDecoders.of(attention, m));
        }
    }

    @Test
    void slotsPadEachImagesRowsAndPointEmptySlotsAtARealRow() {
        StackedAttentionDecoders.Slots slots = StackedAttentionDecoders.Slots.of(new int[] {4, 2, 4, 4}, new int[] {2, 4});
        assertEquals(3, slots.perImage());
        assertArrayEquals(new int[] {3, 0, 4, 5}, slots.slotOfRow());
        assertArrayEquals(new int[] {1, 0, 0, 0, 2, 3}, slots.rowOfSlot());
    }
}
