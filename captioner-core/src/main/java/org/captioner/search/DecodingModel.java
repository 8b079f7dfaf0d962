package org.captioner.search;

import java.util.Set;

/**
 * What a search needs from a language model: next-word log-probabilities for a batch of rows, and
 * a state that can be re-indexed when beams are kept, dropped or duplicated. Each call consumes the
 * state passed in (it may be freed); use only the state returned.
 *
 * @param <S> the model's opaque recurrent state for a batch of rows
 */
public interface DecodingModel<S> {

    int vocabSize();

    /** The initial state, one row per image feature vector. */
    S start(float[][] features);

    /** Log-probabilities {@code [rows][vocab]} of the word after {@code lastTokens}, and the next state. */
    Step<S> step(S state, int[] lastTokens);

    /**
     * The {@code k} most likely next words of each row, best first, never one of {@code banned},
     * and the next state. What beam and greedy search need: models that can rank on their own
     * device override this to avoid copying whole vocabulary rows; this default ranks the rows
     * of {@link #step}, ties going to the lower word id.
     */
    default TopWords<S> stepTop(S state, int[] lastTokens, int k, Set<Integer> banned) {
        Step<S> step = step(state, lastTokens);
        return TopWords.of(step.logProbs(), vocabSize(), k, banned, step.state());
    }

    /**
     * {@link #stepTop(Object, int[], int, Set)}, and each row's log-probabilities of the words
     * {@code also} wherever they rank ({@link TopWords#also}): what beam search needs for the words a
     * caption is required to contain. This default reads whole rows; models that rank on their own
     * device override it to read only those columns.
     */
    default TopWords<S> stepTop(S state, int[] lastTokens, int k, Set<Integer> banned, int[] also) {
        Step<S> step = step(state, lastTokens);
        return TopWords.of(step.logProbs(), vocabSize(), k, banned, step.state())
                .with(TopWords.columns(step.logProbs(), also));
    }

    /**
     * Whether every step's log-probabilities are ≤ 0 (true for a normalised model), so a caption's
     * score can only fall as it grows: what lets beam search stop an image early.
     */
    default boolean neverRaisesLogProb() {
        return true;
    }

    /** A state whose row {@code i} is row {@code rows[i]} of {@code state}. */
    S select(S state, int[] rows);

    /** Frees a state that will not be used again. */
    default void release(S state) {}

    /** The result of one step. */
    record Step<S>(float[][] logProbs, S state) {}

    /**
     * The best words of one step: {@code words[row][j]} has log-probability {@code logProbs[row][j]};
     * {@code also[row][j]}, where asked for, is the log-probability of the {@code j}-th word asked for.
     */
    record TopWords<S>(int[][] words, float[][] logProbs, S state, float[][] also) {

        public TopWords(int[][] words, float[][] logProbs, S state) {
            this(words, logProbs, state, null);
        }

        /** The same, with these {@code also} columns. */
        public TopWords<S> with(float[][] also) {
            return new TopWords<>(words, logProbs, state, also);
        }

        /** Columns {@code also} of whole rows. */
        public static float[][] columns(float[][] logProbs, int[] also) {
            float[][] out = new float[logProbs.length][also.length];
            for (int r = 0; r < logProbs.length; r++) {
                for (int j = 0; j < also.length; j++) {
                    out[r][j] = logProbs[r][also[j]];
                }
            }
            return out;
        }

        /** The {@code k} best words of each of these whole rows, best first, never one of {@code banned}, ties to the lower id. */
        public static <S> TopWords<S> of(float[][] logProbs, int vocab, int k, Set<Integer> banned, S state) {
            boolean[] skip = new boolean[vocab];
            banned.forEach(w -> skip[w] = true);
            int[][] words = new int[logProbs.length][];
            float[][] best = new float[logProbs.length][];
            for (int r = 0; r < logProbs.length; r++) {
                float[] row = logProbs[r];
                int[] w = new int[k];
                float[] v = new float[k];
                int n = 0;
                for (int id = 0; id < row.length; id++) {
                    if (skip[id] || (n == k && row[id] <= v[k - 1])) {
                        continue;
                    }
                    int at = n < k ? n++ : k - 1;
                    while (at > 0 && v[at - 1] < row[id]) {
                        v[at] = v[at - 1];
                        w[at] = w[at - 1];
                        at--;
                    }
                    v[at] = row[id];
                    w[at] = id;
                }
                words[r] = java.util.Arrays.copyOf(w, n);
                best[r] = java.util.Arrays.copyOf(v, n);
            }
            return new TopWords<>(words, best, state);
        }
    }
}
