package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
        int f = decoder.config().featureSize();
        float[] flat = new float[features.length * f];
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != f) {
                throw new IllegalArgumentException("feature vector has " + features[i].length
                        + " values, the decoder expects " + f);
            }
            System.arraycopy(features[i], 0, flat, i * f, f);
        }
        NDManager m = root.newSubManager();
        NDArray input = m.create(flat, new Shape(features.length, f));
        NDList hc = decoder.initialState(parameters, input, false);
        return new State(m, hc.get(0), hc.get(1));
    }

    @Override
    public Step<State> step(State state, int[] lastTokens) {
        NDManager m = root.newSubManager();
        long[] ids = new long[lastTokens.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = lastTokens[i];
        }
        NDArray tokens = m.create(ids);
        NDList out = decoder.step(parameters, tokens, state.h(), state.c());
        out.attach(m);
        NDArray logProbs = out.get(0).logSoftmax(1);
        int rows = lastTokens.length;
        int v = vocabSize();
        float[] flat = logProbs.toFloatArray();
        float[][] table = new float[rows][v];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * v, table[r], 0, v);
        }
        state.manager().close();
        return new Step<>(table, new State(m, out.get(1), out.get(2)));
    }

    @Override
    public State select(State state, int[] rows) {
        NDManager m = root.newSubManager();
        long[] ids = new long[rows.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rows[i];
        }
        NDArray index = m.create(ids);
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
