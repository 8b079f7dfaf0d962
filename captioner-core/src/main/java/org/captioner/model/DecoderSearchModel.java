package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.captioner.search.DecodingModel;

/**
 * The trained {@link CaptionDecoder} seen by the searches. Each state lives in its own NDManager,
 * closed as soon as the next state exists, so memory stays flat however long the search runs.
 * One instance serves one search on one thread; make a new one per call.
 */
public final class DecoderSearchModel implements DecodingModel<DecoderSearchModel.State> {

    /** (h, c) for a batch of rows, owned by {@code manager}. */
    public record State(NDManager manager, NDArray h, NDArray c) {}

    private final CaptionDecoder decoder;
    private final NDManager root;
    private final ParameterStore parameters;

    public DecoderSearchModel(CaptionDecoder decoder, NDManager root) {
        this.decoder = decoder;
        this.root = root;
        this.parameters = new ParameterStore(root, false);
    }

    @Override
    public int vocabSize() {
        return decoder.config().vocabSize();
    }

    @Override
    public State start(float[][] features) {
        NDManager m = root.newSubManager();
        NDArray input = SearchArrays.features(m, features, decoder.config().featureSize());
        NDList hc = decoder.initialState(parameters, input, false);
        return new State(m, hc.get(0), hc.get(1));
    }

    @Override
    public Step<State> step(State state, int[] lastTokens) {
        NDManager m = root.newSubManager();
        NDArray tokens = SearchArrays.indices(m, lastTokens);
        NDList out = decoder.step(parameters, tokens, state.h(), state.c());
        out.attach(m);
        float[][] table = SearchArrays.rows(out.get(0).logSoftmax(1), lastTokens.length, vocabSize());
        state.manager().close();
        return new Step<>(table, new State(m, out.get(1), out.get(2)));
    }

    @Override
    public State select(State state, int[] rows) {
        NDManager m = root.newSubManager();
        NDArray index = SearchArrays.indices(m, rows);
        // State is [layers, rows, hidden]: pick along axis 1.
        NDArray h = state.h().swapAxes(0, 1).get(index).swapAxes(0, 1);
        NDArray c = state.c().swapAxes(0, 1).get(index).swapAxes(0, 1);
        h.attach(m);
        c.attach(m);
        state.manager().close();
        return new State(m, h, c);
    }

    @Override
    public void release(State state) {
        state.manager().close();
    }
}
