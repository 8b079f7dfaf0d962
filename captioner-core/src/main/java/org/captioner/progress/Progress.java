package org.captioner.progress;

/**
 * Receives progress of long work (extraction, training, captioning). Core reports; the CLI draws
 * a bar. Implementations must tolerate calls from a worker thread.
 */
public interface Progress {

    /** A new task of {@code total} units (-1 if unknown), starting at {@code done}. */
    void start(String task, long total, long done);

    /** {@code units} more units done; {@code status} is a short extra like "loss 2.31". */
    void advance(long units, String status);

    /** The task finished (or was abandoned). */
    void finish();

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void start(String task, long total, long done) {}

        @Override
        public void advance(long units, String status) {}

        @Override
        public void finish() {}
    };
}
