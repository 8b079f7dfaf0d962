package org.captioner.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.captioner.model.CaptionDecoder;

/** Teacher-forced cross-entropy on the human captions, optionally label-smoothed. */
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
    public StepResult step(CaptionDecoder decoder, ParameterStore parameters, CaptionCorpus train, int[] order,
            int from, int to, NDManager scratch, long seed) {
        TeacherBatch batch = TeacherBatch.of(train, order, from, to, scratch);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = decoder.forward(parameters, new NDList(batch.features(), batch.inputs()), true)
                    .singletonOrThrow();
            NDArray loss = maskedLoss(logits, batch, labelSmoothing);
            gc.backward(loss);
            return new StepResult(loss.getFloat(), batch.tokens());
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
