package org.captioner.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.captioner.model.AttentionDecoder;
import org.captioner.model.DecoderBlock;

/**
 * Teacher-forced cross-entropy on the human captions, optionally label-smoothed; for an attention
 * decoder plus the doubly stochastic penalty on its attention, with λ = 1 as in Xu et al. (2015).
 */
final class CrossEntropyObjective implements TrainingObjective {

    private final double labelSmoothing;

    CrossEntropyObjective(double labelSmoothing) {
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public int unitsPerEpoch(CaptionCorpus train) {
        return train.captionCount();
    }

    @Override
    public StepResult step(DecoderBlock decoder, ParameterStore parameters, CaptionCorpus train, int[] order,
            int from, int to, NDManager scratch, long seed) {
        TeacherBatch batch = TeacherBatch.of(train, order, from, to, scratch);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList out = decoder.forward(parameters, new NDList(batch.features(), batch.inputs()), true);
            NDArray loss = maskedLoss(out.get(0), batch, labelSmoothing);
            float crossEntropy = loss.getFloat();
            if (out.size() > 1) {
                loss = loss.add(AttentionDecoder.doublyStochasticPenalty(out.get(1), batch.mask()));
            }
            gc.backward(loss);
            // The log shows the cross-entropy alone, comparable with Show-and-Tell runs and with dev loss.
            return new StepResult(crossEntropy, batch.tokens());
        }
    }

    /** Mean over real (non-pad) target tokens of the (label-smoothed) negative log-likelihood. */
    static NDArray maskedLoss(NDArray logits, TeacherBatch batch, double smoothing) {
        NDArray logProbs = logits.logSoftmax(2);
        NDArray nll = logProbs.gather(batch.targets().expandDims(2), 2).squeeze(2).neg();
        if (smoothing > 0) {
            NDArray uniform = logProbs.mean(new int[] {2}).neg();
            nll = nll.mul((float) (1 - smoothing)).add(uniform.mul((float) smoothing));
        }
        return nll.mul(batch.mask()).sum().div(batch.mask().sum());
    }
}
