package org.captioner.train;

import org.captioner.provenance.EpochRecord;

/** Hears about training progress; the CLI turns it into a bar and log lines. */
public interface TrainingListener {

    /** An epoch of {@code steps} batches begins. */
    default void epochStarted(int epoch, int epochs, int steps) {}

    /** One batch is done. */
    default void stepDone(int step, double loss, double tokensPerSecond) {}

    /** The epoch and its validation are done. */
    default void epochDone(EpochRecord record, boolean best) {}

    /** Training resumed from a checkpoint. */
    default void resumed(int nextEpoch) {}

    TrainingListener NONE = new TrainingListener() {};
}
