package org.captioner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One padded batch of captions for a teacher-forced pass: inputs {@code <start> w1..wn}, targets
 * {@code w1..wn <end>}, a mask of the real targets, and each row's image features.
 */
record TeacherBatch(NDArray features, NDArray inputs, NDArray targets, NDArray mask, long tokens) {

    /** The captions {@code order[from..to)} of {@code corpus}, each with its image's features. */
    static TeacherBatch of(CaptionCorpus corpus, int[] order, int from, int to, NDManager manager) {
        float[][] features = new float[to - from][];
        int[][] sequences = new int[to - from][];
        for (int r = 0; r < sequences.length; r++) {
            int c = order[from + r];
            sequences[r] = corpus.caption(c);
            features[r] = corpus.features(corpus.captionImage(c));
        }
        return of(features, sequences, manager);
    }

    /** Row {@code r}: {@code features[r]} and the id sequence {@code sequences[r]} ({@code <start> ...}). */
    static TeacherBatch of(float[][] features, int[][] sequences, NDManager manager) {
        int b = sequences.length;
        int steps = 1;
        for (int[] ids : sequences) {
            steps = Math.max(steps, ids.length - 1);
        }
        int f = features[0].length;
        float[] feats = new float[b * f];
        long[] in = new long[b * steps];
        long[] out = new long[b * steps];
        float[] mask = new float[b * steps];
        long tokens = 0;
        for (int r = 0; r < b; r++) {
            int[] ids = sequences[r];
            System.arraycopy(features[r], 0, feats, r * f, f);
            for (int t = 0; t < ids.length - 1; t++) {
                in[r * steps + t] = ids[t];
                out[r * steps + t] = ids[t + 1];
                mask[r * steps + t] = 1;
                tokens++;
            }
        }
        return new TeacherBatch(
                manager.create(feats, new Shape(b, f)),
                manager.create(in, new Shape(b, steps)),
                manager.create(out, new Shape(b, steps)),
                manager.create(mask, new Shape(b, steps)),
                tokens);
    }
}
