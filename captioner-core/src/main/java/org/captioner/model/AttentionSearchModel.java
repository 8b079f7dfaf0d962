package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.function.BiFunction;

/**
 * A trained {@link AttentionDecoder} seen by the searches. Each image's features are its whole
 * grid, flattened region by region ({@code R x F} values, as {@code ImageEncoder.encodeGrid} and
 * grid feature caches give them). Every beam row carries its image's regions and their attention
 * keys (computed once, at the start) beside {@code (h, c)}, so that keeping, dropping or
 * duplicating beams is one gather on each. Each state lives in its own NDManager, closed as soon as
 * the next state exists; one instance serves one search on one thread.
 */
public final class AttentionSearchModel extends EngineSearchModel<AttentionSearchModel.State> {

    /** Per row: the LSTM state, the image's regions {@code [N,R,F]} and keys {@code [N,R,A]}; owned by {@code manager}. */
    public record State(NDManager manager, NDArray h, NDArray c, NDArray regions, NDArray keys) {}

    private final AttentionDecoder decoder;
    private final ParameterStore parameters;

    public AttentionSearchModel(AttentionDecoder decoder, NDManager root) {
        super(root, decoder.config().vocabSize());
        this.decoder = decoder;
        this.parameters = new ParameterStore(root, false);
    }

    @Override
    public State start(float[][] grids) {
        int f = decoder.config().featureSize();
        if (grids.length > 0 && (grids[0].length % f != 0 || grids[0].length == f)) {
            throw new IllegalArgumentException("an attention decoder needs each image's grid of regions of " + f
                    + " values, not " + grids[0].length + " values");
        }
        NDManager m = root.newSubManager();
        int regions = grids.length == 0 ? 1 : grids[0].length / f;
        NDArray flat = SearchArrays.features(m, grids, regions * f);
        // A copy the engine owns: `flat` reads a direct buffer that only its own array object keeps
        // alive, and the state outlives it (the first step closes this manager), so a reshaped view of
        // it would read freed memory once the collector ran.
        NDArray grid = flat.reshape(grids.length, regions, f).duplicate();
        NDList hc = decoder.initialState(parameters, grid, false);
        NDArray keys = decoder.keys(parameters, grid, false);
        return new State(m, hc.get(0), hc.get(1), grid, keys);
    }

    @Override
    <R> R advance(State state, int[] lastTokens, BiFunction<NDArray, State, R> read) {
        NDManager m = root.newSubManager();
        NDArray tokens = SearchArrays.indices(m, lastTokens);
        NDList out = decoder.step(parameters, tokens, state.h(), state.c(), state.regions(), state.keys());
        out.attach(m);
        NDArray logProbs = out.get(0).logSoftmax(1);
        // The grid and keys do not change from step to step: they move to the new state's manager.
        state.regions().attach(m);
        state.keys().attach(m);
        state.manager().close();
        return read.apply(logProbs, new State(m, out.get(1), out.get(2), state.regions(), state.keys()));
    }

    @Override
    public State select(State state, int[] rows) {
        NDManager m = root.newSubManager();
        NDArray index = SearchArrays.indices(m, rows);
        NDArray h = state.h().get(index);
        NDArray c = state.c().get(index);
        NDArray regions = state.regions().get(index);
        NDArray keys = state.keys().get(index);
        for (NDArray a : new NDArray[] {h, c, regions, keys}) {
            a.attach(m);
        }
        state.manager().close();
        return new State(m, h, c, regions, keys);
    }

    @Override
    public void release(State state) {
        state.manager().close();
    }
}
