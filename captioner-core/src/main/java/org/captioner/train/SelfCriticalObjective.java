package org.captioner.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Set;
import org.captioner.model.DecoderBlock;

/**
 * Self-critical sequence training: REINFORCE on the decoder's own sampled captions with their
 * CIDEr-D reward (sampling and rewards: {@link SelfCriticalSampler}). The loss's log-probabilities
 * are those of the distribution the samples were drawn from: the words the sampler never draws
 * are masked out of the softmax here too, so the gradient is that of the policy that acted.
 */
final class SelfCriticalObjective implements TrainingObjective {

    /** Added to the logits of words the sampler never draws: their probability becomes exactly 0. */
    private static final float MASKED = -1e30f;

    private final SelfCriticalSampler sampler;

    SelfCriticalObjective(SelfCriticalSampler sampler) {
        this.sampler = sampler;
    }

    @Override
    public int unitsPerEpoch(CaptionCorpus train) {
        return train.imageCount();
    }

    @Override
    public StepResult step(DecoderBlock decoder, ParameterStore parameters, CaptionCorpus train, int[] order,
            int from, int to, NDManager scratch, long seed) {
        SelfCriticalSampler.Draw draw = sampler.draw(decoder, train, order, from, to, scratch, seed);
        TeacherBatch batch = draw.batch();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            // No dropout: the gradient must be that of the policy the captions were drawn from.
            NDArray logits = decoder.forward(parameters, new NDList(batch.features(), batch.inputs()), false)
                    .get(0);
            gc.backward(policyLoss(tokenLogProbs(logits, batch, sampler.banned()), batch, draw.advantages()));
        }
        // What the log and curves show for a self-critical run: minus the mean sample reward.
        return new StepResult(-draw.meanReward(), batch.tokens());
    }

    /**
     * {@code [rows, steps]}: the log-probability of each target token under the softmax over the
     * words that may be drawn ({@code banned} excluded and the rest renormalised).
     */
    static NDArray tokenLogProbs(NDArray logits, TeacherBatch batch, Set<Integer> banned) {
        int vocab = (int) logits.getShape().get(2);
        float[] mask = new float[vocab];
        banned.forEach(w -> mask[w] = MASKED);
        NDArray allowed = logits.add(logits.getManager().create(mask, new Shape(1, 1, vocab)));
        return allowed.logSoftmax(2).gather(batch.targets().expandDims(2), 2).squeeze(2);
    }

    /** REINFORCE: minus the advantage-weighted log-probability of each sampled token, averaged over tokens. */
    static NDArray policyLoss(NDArray tokenLogProbs, TeacherBatch batch, NDArray advantages) {
        NDArray weights = batch.mask().mul(advantages.expandDims(1));
        return tokenLogProbs.mul(weights).sum().neg().div(batch.mask().sum());
    }
}
