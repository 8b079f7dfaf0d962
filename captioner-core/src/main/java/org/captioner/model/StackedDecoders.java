package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.captioner.search.DecodingModel;

/**
 * An inference-only copy of one or more same-shaped trained decoders (an ensemble), with the
 * weights rearranged so that captioning costs as little as possible per step:
 * <ul>
 *   <li>the first LSTM layer's input projection of every word is computed once, so a step looks
 *       its gate inputs up instead of multiplying embedding by weight (a third of an LSTM step's
 *       arithmetic);</li>
 *   <li>the members' weights are stacked, so each matrix product of a step is one batched call
 *       for the whole ensemble;</li>
 *   <li>the ensemble's mean log-probability, the ban on special words and the ranking all happen
 *       in the engine, and only the few best words per row come back to Java.</li>
 * </ul>
 * Immutable after construction and safe to share between threads; each search takes its own
 * {@link #searchModel}. The decoders may be closed or retrained afterwards: nothing is shared.
 *
 * <p>Engine operations put their result in the manager of their first operand, so every step
 * starts from an array of its own and never from a shared weight: nothing accumulates here.
 */
public final class StackedDecoders implements FastDecoders {

    private final NDManager manager;
    private final int members;
    private final int layers;
    private final int hidden;
    private final int vocab;
    private final int featureSize;
    private final NDArray initH;      // [M, F, L*H]
    private final NDArray initHBias;  // [M, 1, L*H]
    private final NDArray initC;
    private final NDArray initCBias;
    private final NDArray wordGates;  // [M*V, 4H]: layer 0's input projection of each word, both biases in
    private final NDArray[] recurrent;   // per layer [M, H, 4H]
    private final NDArray[] upperInput;  // layers >= 1: [M, H, 4H]
    private final NDArray[] upperBias;   // layers >= 1: [M, 1, 4H]
    private final NDArray output;     // [M, H, V]
    private final NDArray outputBias; // [M, 1, V]

    /**
     * Whether these decoders can be stacked: Show-and-Tell decoders (attention decoders have
     * {@link StackedAttentionDecoders}) of the same sizes apart from dropout, which inference ignores.
     */
    public static boolean canStack(List<? extends DecoderBlock> decoders) {
        if (decoders.isEmpty() || !decoders.stream().allMatch(d -> d instanceof CaptionDecoder)) {
            return false;
        }
        DecoderConfig first = decoders.get(0).config();
        return decoders.stream().map(DecoderBlock::config).allMatch(c -> c.vocabSize() == first.vocabSize()
                && c.featureSize() == first.featureSize() && c.embedSize() == first.embedSize()
                && c.hiddenSize() == first.hiddenSize() && c.numLayers() == first.numLayers());
    }

    public StackedDecoders(List<? extends DecoderBlock> decoders, NDManager parent) {
        if (!canStack(decoders)) {
            throw new IllegalArgumentException("stacked decoders must be one or more Show-and-Tell decoders of the"
                    + " same sizes");
        }
        DecoderConfig c = decoders.get(0).config();
        this.manager = parent.newSubManager();
        this.members = decoders.size();
        this.layers = c.numLayers();
        this.hidden = c.hiddenSize();
        this.vocab = c.vocabSize();
        this.featureSize = c.featureSize();
        try (NDManager scratch = manager.newSubManager()) {
            List<CaptionDecoder.Weights> w = decoders.stream()
                    .map(d -> local(((CaptionDecoder) d).weights(), scratch)).toList();
            this.initH = keep(stack(w, x -> x.initHWeight().transpose()));
            this.initHBias = keep(stack(w, x -> x.initHBias().expandDims(0)));
            this.initC = keep(stack(w, x -> x.initCWeight().transpose()));
            this.initCBias = keep(stack(w, x -> x.initCBias().expandDims(0)));
            this.wordGates = keep(stack(w, x -> x.embedding().matMul(x.inputWeights().get(0).transpose())
                    .add(x.inputBiases().get(0)).add(x.recurrentBiases().get(0)))
                    .reshape((long) members * vocab, 4L * hidden));
            this.recurrent = new NDArray[layers];
            this.upperInput = new NDArray[layers];
            this.upperBias = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                int layer = l;
                recurrent[l] = keep(stack(w, x -> x.recurrentWeights().get(layer).transpose()));
                if (l > 0) {
                    upperInput[l] = keep(stack(w, x -> x.inputWeights().get(layer).transpose()));
                    upperBias[l] = keep(stack(w, x -> x.inputBiases().get(layer).add(x.recurrentBiases().get(layer))
                            .expandDims(0)));
                }
            }
            this.output = keep(stack(w, x -> x.outputWeight().transpose()));
            this.outputBias = keep(stack(w, x -> x.outputBias().expandDims(0)));
        }
    }

    /**
     * Copies of the weights owned by {@code scratch}. Results of engine operations go to their first
     * operand's manager, so arithmetic on the decoders' own arrays would leave intermediates (tens
     * of MB) in the bundle's manager until it closes; arithmetic on these copies stays in scratch.
     */
    private static CaptionDecoder.Weights local(CaptionDecoder.Weights w, NDManager scratch) {
        Function<NDArray, NDArray> copy = a -> {
            NDArray c = a.duplicate();
            c.attach(scratch);
            return c;
        };
        Function<List<NDArray>, List<NDArray>> all = l -> l.stream().map(copy).toList();
        return new CaptionDecoder.Weights(copy.apply(w.embedding()), copy.apply(w.initHWeight()),
                copy.apply(w.initHBias()), copy.apply(w.initCWeight()), copy.apply(w.initCBias()),
                all.apply(w.inputWeights()), all.apply(w.recurrentWeights()), all.apply(w.inputBiases()),
                all.apply(w.recurrentBiases()), copy.apply(w.outputWeight()), copy.apply(w.outputBias()));
    }

    private static NDArray stack(List<CaptionDecoder.Weights> weights, Function<CaptionDecoder.Weights, NDArray> part) {
        return SearchArrays.stack(weights, part);
    }

    /** A fresh, contiguous copy owned by this object (the stacked result may still view scratch arrays). */
    private NDArray keep(NDArray a) {
        return SearchArrays.owned(a, manager);
    }

    public int members() {
        return members;
    }

    public int vocabSize() {
        return vocab;
    }

    @Override
    public DecodingModel<State> searchModel(NDManager root) {
        return new Search(root);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Per layer, {@code h} and {@code c} as {@code [M, rows, H]}, owned by {@code manager}. */
    public record State(NDManager manager, NDArray[] h, NDArray[] c) {}

    private final class Search extends EngineSearchModel<State> {
        Search(NDManager root) {
            super(root, vocab);
        }

        @Override
        public State start(float[][] features) {
            NDManager m = root.newSubManager();
            int rows = features.length;
            NDArray x = SearchArrays.features(m, features, featureSize).expandDims(0).repeat(0, members);
            NDArray h = x.batchMatMul(initH).add(initHBias).tanh().reshape(members, rows, layers, hidden);
            NDArray c = x.batchMatMul(initC).add(initCBias).tanh().reshape(members, rows, layers, hidden);
            NDArray[] hs = new NDArray[layers];
            NDArray[] cs = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                hs[l] = h.get(":, :, " + l + ", :");
                cs[l] = c.get(":, :, " + l + ", :");
            }
            return new State(m, hs, cs);
        }

        /** One step of every member for every row; the ensemble's log-probabilities go to {@code read}. */
        @Override
        <R> R advance(State state, int[] lastTokens, BiFunction<NDArray, State, R> read) {
            NDManager m = root.newSubManager();
            NDArray[] hs = new NDArray[layers];
            NDArray[] cs = new NDArray[layers];
            try (NDManager temp = m.newSubManager()) {
                int rows = lastTokens.length;
                int[] ids = SearchArrays.memberRows(lastTokens, members, vocab);
                NDArray below = null;
                for (int l = 0; l < layers; l++) {
                    NDArray gates = l == 0
                            // The lookup is owned by the per-step manager because the index array comes first.
                            ? Embedding.embedding(SearchArrays.indices(temp, ids), wordGates, SparseFormat.DENSE)
                                    .singletonOrThrow().reshape(members, rows, 4L * hidden)
                            : below.batchMatMul(upperInput[l]).add(upperBias[l]);
                    gates = gates.add(state.h()[l].batchMatMul(recurrent[l]));
                    NDList g = gates.split(4, 2);
                    NDArray cell = Activation.sigmoid(g.get(1)).mul(state.c()[l])
                            .add(Activation.sigmoid(g.get(0)).mul(g.get(2).tanh()));
                    NDArray out = Activation.sigmoid(g.get(3)).mul(cell.tanh());
                    hs[l] = out;
                    cs[l] = cell;
                    below = out;
                }
                NDArray logProbs = below.batchMatMul(output).add(outputBias).logSoftmax(2);
                logProbs = members == 1 ? logProbs.reshape(rows, vocab) : logProbs.mean(new int[] {0}).logSoftmax(1);
                for (int l = 0; l < layers; l++) {
                    hs[l].attach(m);
                    cs[l].attach(m);
                }
                state.manager().close();
                return read.apply(logProbs, new State(m, hs, cs));
            }
        }

        @Override
        public State select(State state, int[] rows) {
            NDManager m = root.newSubManager();
            NDArray index = SearchArrays.indices(m, rows);
            NDArray[] hs = new NDArray[layers];
            NDArray[] cs = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                hs[l] = state.h()[l].get(":, {}", index);
                cs[l] = state.c()[l].get(":, {}", index);
                hs[l].attach(m);
                cs[l].attach(m);
            }
            state.manager().close();
            return new State(m, hs, cs);
        }

        @Override
        public void release(State state) {
            state.manager().close();
        }
    }
}
