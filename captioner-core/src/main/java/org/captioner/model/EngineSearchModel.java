package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Set;
import java.util.function.BiFunction;
import org.captioner.search.DecodingModel;

/**
 * A search model whose step computes the next-word log-probabilities in the engine: {@link #step}
 * reads whole rows into Java, {@link #stepTop} ranks in the engine and reads only the best words
 * (the beam search's step). Subclasses supply one {@link #advance} that both use.
 *
 * @param <S> the state, whose arrays live in managers under {@code root}
 */
abstract class EngineSearchModel<S> implements DecodingModel<S> {

    /** Where each state's manager is made. */
    final NDManager root;
    private final int vocab;
    private final SearchArrays.BannedMask bannedMask;

    EngineSearchModel(NDManager root, int vocab) {
        this.root = root;
        this.vocab = vocab;
        this.bannedMask = new SearchArrays.BannedMask(root, vocab);
    }

    @Override
    public final int vocabSize() {
        return vocab;
    }

    /**
     * One step from {@code state}: {@code read} gets the next-word log-probabilities {@code [rows, V]}
     * (valid only during the call) and the new state; the old state is freed.
     */
    abstract <R> R advance(S state, int[] lastTokens, BiFunction<NDArray, S, R> read);

    @Override
    public final Step<S> step(S state, int[] lastTokens) {
        return advance(state, lastTokens,
                (logProbs, next) -> new Step<>(SearchArrays.rows(logProbs, lastTokens.length, vocab), next));
    }

    @Override
    public final TopWords<S> stepTop(S state, int[] lastTokens, int k, Set<Integer> banned) {
        return advance(state, lastTokens,
                (logProbs, next) -> SearchArrays.topWords(logProbs, bannedMask.of(banned), lastTokens.length, k, next));
    }

    @Override
    public final TopWords<S> stepTop(S state, int[] lastTokens, int k, Set<Integer> banned, int[] also) {
        return advance(state, lastTokens, (logProbs, next) -> {
            TopWords<S> top = SearchArrays.topWords(logProbs, bannedMask.of(banned), lastTokens.length, k, next);
            if (also.length == 0) {
                return top.with(new float[lastTokens.length][0]);
            }
            try (NDManager temp = root.newSubManager()) {
                NDArray columns = logProbs.get(":, {}", SearchArrays.indices(temp, also));
                return top.with(SearchArrays.rows(columns, lastTokens.length, also.length));
            }
        });
    }
}
