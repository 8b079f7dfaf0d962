package org.captioner.provenance;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a decoder is trained. Immutable and validated; recorded in the bundle's provenance.
 *
 * @param epochs passes over the training captions
 * @param batchSize captions per step
 * @param learningRate Adam's initial step size
 * @param lrDecay factor applied to the learning rate every {@code lrDecayEvery} epochs
 * @param lrDecayEvery epochs between decays
 * @param clipNorm the global gradient norm is scaled down to at most this
 * @param labelSmoothing ε: target mass spread uniformly over the vocabulary (0 = plain cross-entropy)
 * @param maxWords captions longer than this are truncated for training
 * @param minWordCount words seen fewer times in training captions become {@code <unk>}
 * @param seed drives shuffling, initialisation and dropout: same seed, same model
 * @param validateCider choose the best epoch by validation CIDEr (greedy) instead of validation loss
 * @param objective what a step minimises: cross-entropy on the human captions, or self-critical
 *     sequence training, which raises the CIDEr-D of the model's own sampled captions directly
 * @param samples self-critical only: captions sampled per image; each one's baseline is the mean
 *     reward of the others, so no greedy decode is needed
 * @param initFrom the bundle whose decoder weights the run starts from, or null for random
 *     initialisation (self-critical training starts from a cross-entropy model)
 * @param mirrors each epoch shows every training image as itself or as its mirror image, drawn
 *     afresh per epoch (augmentation; needs a {@code features --flip} cache)
 * @param hallucinationPenalty self-critical only: subtracted from a sample's reward for each object
 *     class it names that none of the image's references names (CHAIR's judgement, Rohrbach et al.
 *     2018), so that the decoder learns to leave out what it cannot see (0: CIDEr-D alone)
 */
public record TrainingSettings(
        int epochs,
        int batchSize,
        double learningRate,
        double lrDecay,
        int lrDecayEvery,
        double clipNorm,
        double labelSmoothing,
        int maxWords,
        int minWordCount,
        long seed,
        boolean validateCider,
        Objective objective,
        int samples,
        String initFrom,
        boolean mirrors,
        double hallucinationPenalty) {

    /** The training objective. */
    public enum Objective {
        /** Teacher-forced (label-smoothed) cross-entropy on the reference captions. */
        CROSS_ENTROPY,
        /** REINFORCE with CIDEr-D reward and the other samples' mean reward as baseline. */
        SELF_CRITICAL
    }

    public TrainingSettings {
        // Bundles written before these fields existed read them as null / 0.
        objective = objective == null ? Objective.CROSS_ENTROPY : objective;
        samples = samples == 0 ? 5 : samples;
        require(epochs >= 1, "epochs must be at least 1");
        require(batchSize >= 1, "batch size must be at least 1");
        require(learningRate > 0 && learningRate < 1, "learning rate must be in (0, 1)");
        require(lrDecay > 0 && lrDecay <= 1, "lr decay must be in (0, 1]");
        require(lrDecayEvery >= 1, "lr decay interval must be at least 1 epoch");
        require(clipNorm > 0, "clip norm must be positive");
        require(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing must be in [0, 1)");
        require(maxWords >= 1, "max words must be at least 1");
        require(minWordCount >= 1, "min word count must be at least 1");
        require(samples >= 2, "self-critical training needs at least 2 samples per image");
        require(hallucinationPenalty >= 0, "the hallucination penalty must be at least 0");
        require(hallucinationPenalty == 0 || objective == Objective.SELF_CRITICAL,
                "a hallucination penalty needs self-critical training: it is part of the reward");
    }

    /** Without a hallucination penalty. */
    public TrainingSettings(int epochs, int batchSize, double learningRate, double lrDecay, int lrDecayEvery,
            double clipNorm, double labelSmoothing, int maxWords, int minWordCount, long seed, boolean validateCider,
            Objective objective, int samples, String initFrom, boolean mirrors) {
        this(epochs, batchSize, learningRate, lrDecay, lrDecayEvery, clipNorm, labelSmoothing, maxWords,
                minWordCount, seed, validateCider, objective, samples, initFrom, mirrors, 0);
    }

    /** Without mirror images. */
    public TrainingSettings(int epochs, int batchSize, double learningRate, double lrDecay, int lrDecayEvery,
            double clipNorm, double labelSmoothing, int maxWords, int minWordCount, long seed, boolean validateCider,
            Objective objective, int samples, String initFrom) {
        this(epochs, batchSize, learningRate, lrDecay, lrDecayEvery, clipNorm, labelSmoothing, maxWords,
                minWordCount, seed, validateCider, objective, samples, initFrom, false);
    }

    /** Cross-entropy training from random initialisation. */
    public TrainingSettings(int epochs, int batchSize, double learningRate, double lrDecay, int lrDecayEvery,
            double clipNorm, double labelSmoothing, int maxWords, int minWordCount, long seed, boolean validateCider) {
        this(epochs, batchSize, learningRate, lrDecay, lrDecayEvery, clipNorm, labelSmoothing, maxWords,
                minWordCount, seed, validateCider, Objective.CROSS_ENTROPY, 5, null);
    }

    /** The same settings run for {@code n} epochs in all (how a resumed run is extended). */
    public TrainingSettings withEpochs(int n) {
        return new TrainingSettings(n, batchSize, learningRate, lrDecay, lrDecayEvery, clipNorm, labelSmoothing,
                maxWords, minWordCount, seed, validateCider, objective, samples, initFrom, mirrors,
                hallucinationPenalty);
    }

    /**
     * The settings, other than the epoch count, in which {@code other} differs from these:
     * name → {these, other}, in declaration order. What a resumed run may not change.
     */
    public Map<String, List<Object>> differencesBesidesEpochs(TrainingSettings other) {
        Map<String, List<Object>> out = new LinkedHashMap<>();
        for (RecordComponent c : TrainingSettings.class.getRecordComponents()) {
            if (c.getName().equals("epochs")) {
                continue;
            }
            try {
                Object mine = c.getAccessor().invoke(this);
                Object theirs = c.getAccessor().invoke(other);
                if (!Objects.equals(mine, theirs)) {
                    out.put(c.getName(), Arrays.asList(mine, theirs));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    public boolean selfCritical() {
        return objective == Objective.SELF_CRITICAL;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Sensible defaults for Flickr8k-sized data. */
    public static TrainingSettings defaults() {
        return new TrainingSettings(15, 64, 4e-4, 0.8, 3, 5.0, 0.0, 20, 5, 42L, true);
    }

    /** The learning rate used during {@code epoch} (0-based). */
    public double learningRateAt(int epoch) {
        return learningRate * Math.pow(lrDecay, epoch / lrDecayEvery);
    }
}
