package org.captioner.provenance;

/** One line of the training log. {@code validationCider} is NaN when not measured. */
public record EpochRecord(
        int epoch, double learningRate, double trainLoss, double validationLoss, double validationCider,
        double seconds, double tokensPerSecond) {}
