package org.captioner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Set;
import org.captioner.model.CaptionDecoder;
import org.captioner.model.DecoderConfig;
import org.captioner.model.DecoderSearchModel;
import org.captioner.search.DecodingModel;
import org.captioner.search.Hypothesis;
import org.captioner.search.SamplingSearch;
import org.captioner.search.SearchSettings;
import org.captioner.text.Vocabulary;
import org.junit.jupiter.api.Test;

class SelfCriticalObjectiveTest {

    /**
     * Each sampled token's log-probability in the loss is the one the sampler drew it with: the
     * model's distribution with {@code <pad>}, {@code <start>} and {@code <unk>} removed and the rest
     * renormalised. (A log-softmax over the full vocabulary gives other numbers whenever the banned
     * words have any probability, as they do in an untrained decoder.)
     */
    @Test
    void lossUsesTheDistributionTheSamplerDrewFrom() {
        SearchSettings sampling = SearchSettings.of(6, 0);
        Set<Integer> banned = sampling.banned();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(3);
            CaptionDecoder decoder = new CaptionDecoder(new DecoderConfig(12, 5, 6, 8, 1, 0));
            decoder.initialize(m);
            float[][] features = {{0.3f, -1f, 0.5f, 2f, 0.1f}, {1f, 0.2f, -0.4f, 0f, 0.7f}};
            List<List<Hypothesis>> drawn = new SamplingSearch(sampling, 1.0, 11)
                    .search(new DecoderSearchModel(decoder, m), features, 3);
            float[][] rowFeatures = new float[6][];
            int[][] sequences = new int[6][];
            for (int i = 0; i < 2; i++) {
                for (int s = 0; s < 3; s++) {
                    Hypothesis h = drawn.get(i).get(s);
                    rowFeatures[i * 3 + s] = features[i];
                    int[] seq = new int[h.words().length + (h.ended() ? 2 : 1)];
                    seq[0] = Vocabulary.START_ID;
                    System.arraycopy(h.words(), 0, seq, 1, h.words().length);
                    if (h.ended()) {
                        seq[seq.length - 1] = Vocabulary.END_ID;
                    }
                    sequences[i * 3 + s] = seq;
                }
            }
            TeacherBatch batch = TeacherBatch.of(rowFeatures, sequences, m);
            NDArray logits = decoder.forward(new ParameterStore(m, false),
                    new NDList(batch.features(), batch.inputs()), false).singletonOrThrow();
            float[] inLoss = SelfCriticalObjective.tokenLogProbs(logits, batch, banned).toFloatArray();
            float[] fullSoftmax = logits.logSoftmax(2).gather(batch.targets().expandDims(2), 2).squeeze(2)
                    .toFloatArray();
            int steps = (int) batch.inputs().getShape().get(1);
            double largestGap = 0;
            for (int r = 0; r < sequences.length; r++) {
                double[] drawnWith = sampledLogProbs(new DecoderSearchModel(decoder, m), rowFeatures[r], sequences[r],
                        banned);
                for (int t = 0; t < drawnWith.length; t++) {
                    assertEquals(drawnWith[t], inLoss[r * steps + t], 2e-5, "row " + r + ", token " + t);
                    largestGap = Math.max(largestGap, Math.abs(drawnWith[t] - fullSoftmax[r * steps + t]));
                }
            }
            assertTrue(largestGap > 1e-3, "the banned words should carry some probability in this decoder");
        }
    }

    /** Steps the search model along {@code sequence}, renormalising each step over the allowed words. */
    private static <S> double[] sampledLogProbs(DecodingModel<S> model, float[] features, int[] sequence,
            Set<Integer> banned) {
        double[] out = new double[sequence.length - 1];
        S state = model.start(new float[][] {features});
        for (int t = 0; t + 1 < sequence.length; t++) {
            DecodingModel.Step<S> step = model.step(state, new int[] {sequence[t]});
            state = step.state();
            float[] lp = step.logProbs()[0];
            double allowed = 0;
            for (int w = 0; w < lp.length; w++) {
                if (!banned.contains(w)) {
                    allowed += Math.exp(lp[w]);
                }
            }
            out[t] = lp[sequence[t + 1]] - Math.log(allowed);
        }
        model.release(state);
        return out;
    }
}
