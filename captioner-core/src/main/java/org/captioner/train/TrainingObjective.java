package org.captioner.train;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.captioner.model.DecoderBlock;

/** What one training step minimises: turns a slice of the shuffled epoch into gradients. */
interface TrainingObjective {

    /** What a step's batch counts: captions for cross-entropy, images for self-critical training. */
    int unitsPerEpoch(CaptionCorpus train);

    /**
     * Computes the loss of the units {@code order[from..to)} and its gradients on the decoder's
     * parameters (the caller then takes the optimiser step).
     *
     * @param seed for any sampling the objective does; the same seed draws the same samples
     */
    StepResult step(DecoderBlock decoder, ParameterStore parameters, CaptionCorpus train, int[] order, int from,
            int to, NDManager scratch, long seed);

    /**
     * @param loss what the log and curves show for the step
     * @param tokens target tokens in the batch (the weight of its loss in the epoch mean)
     */
    record StepResult(double loss, long tokens) {}
}
