package org.captioner.search;

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

    /** A state whose row {@code i} is row {@code rows[i]} of {@code state}. */
    S select(S state, int[] rows);

    /** Frees a state that will not be used again. */
    default void release(S state) {}

    /** The result of one step. */
    record Step<S>(float[][] logProbs, S state) {}
}
