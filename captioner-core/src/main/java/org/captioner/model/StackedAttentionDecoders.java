package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.captioner.search.DecodingModel;

/**
 * An inference-only copy of one or more same-shaped {@link AttentionDecoder}s (an ensemble), laid
 * out so that a search step costs little more than its matrix products. What made the block's step
 * slow was not arithmetic but memory: every beam row carried its own copy of its image's 49 regions
 * and attention keys (350 KB a row), copied again at every step when the beams were reordered, and
 * the attention energies were computed over those copies. Here:
 * <ul>
 *   <li>each image's regions and keys are held once, however many beams it has; rows are mapped to
 *       padded per-image slots only for the attention, whose energies {@code relu(keys + query)}
 *       are computed by broadcasting an image's keys against its beams' queries (every image is
 *       padded to the largest beam count of the step; sampling, which gives each sample its own
 *       copy of the image, gains nothing here);</li>
 *   <li>the three projections of {@code h} (attention query, context gate, recurrent gates) are
 *       one matrix product, and the word's share of the LSTM input gates is looked up from a table
 *       computed once, as {@link StackedDecoders} does;</li>
 *   <li>the attention score's bias is dropped: a constant shift of the energies leaves α unchanged;</li>
 *   <li>the members' weights are stacked so each product is one batched call for the ensemble, and
 *       the mean log-probability and the ranking happen in the engine.</li>
 * </ul>
 * Immutable after construction and safe to share between threads; each search takes its own
 * {@link #searchModel}. The decoders may be closed or retrained afterwards: nothing is shared.
 */
public final class StackedAttentionDecoders implements FastDecoders {

    private final NDManager manager;
    private final int members;
    private final int hidden;
    private final int vocab;
    private final int featureSize;
    private final int attention;
    private final NDArray initH;       // [M, F, H]
    private final NDArray initHBias;   // [M, 1, H]
    private final NDArray initC;
    private final NDArray initCBias;
    private final NDArray keyWeight;   // [M, F, A]
    private final NDArray keyBias;     // [M, 1, A]
    private final NDArray stateWeight; // [M, H, A + F + 4H]: attention query | context gate | recurrent gates
    private final NDArray stateBias;   // [M, 1, A + F + 4H] (the recurrent gates' bias is in wordGates)
    private final NDArray score;       // [M, 1, 1, A, 1]
    private final NDArray wordGates;   // [M*V, 4H]: each word's share of the input gates, both LSTM biases in
    private final NDArray contextGates; // [M, F, 4H]
    private final NDArray output;      // [M, H, V]
    private final NDArray outputBias;  // [M, 1, V]

    /** Whether these decoders can be stacked: attention decoders of the same sizes apart from dropout. */
    public static boolean canStack(List<? extends DecoderBlock> decoders) {
        if (decoders.isEmpty() || !decoders.stream().allMatch(d -> d instanceof AttentionDecoder)) {
            return false;
        }
        DecoderConfig first = decoders.get(0).config();
        return decoders.stream().map(DecoderBlock::config).allMatch(c -> c.vocabSize() == first.vocabSize()
                && c.featureSize() == first.featureSize() && c.embedSize() == first.embedSize()
                && c.hiddenSize() == first.hiddenSize() && c.attentionSize() == first.attentionSize());
    }

    public StackedAttentionDecoders(List<? extends DecoderBlock> decoders, NDManager parent) {
        if (!canStack(decoders)) {
            throw new IllegalArgumentException("stacked attention decoders must be one or more attention decoders"
                    + " of the same sizes");
        }
        DecoderConfig c = decoders.get(0).config();
        this.manager = parent.newSubManager();
        this.members = decoders.size();
        this.hidden = c.hiddenSize();
        this.vocab = c.vocabSize();
        this.featureSize = c.featureSize();
        this.attention = c.attentionSize();
        int embed = c.embedSize();
        try (NDManager scratch = manager.newSubManager()) {
            List<Map<String, NDArray>> w = decoders.stream()
                    .map(d -> local(((AttentionDecoder) d).weights(), scratch)).toList();
            this.initH = keep(stack(w, x -> x.get("init_h.weight").transpose()));
            this.initHBias = keep(stack(w, x -> x.get("init_h.bias").expandDims(0)));
            this.initC = keep(stack(w, x -> x.get("init_c.weight").transpose()));
            this.initCBias = keep(stack(w, x -> x.get("init_c.bias").expandDims(0)));
            this.keyWeight = keep(stack(w, x -> x.get("att_regions.weight").transpose()));
            this.keyBias = keep(stack(w, x -> x.get("att_regions.bias").expandDims(0)));
            this.stateWeight = keep(stack(w, x -> NDArrays.concat(new NDList(x.get("att_state.weight"),
                    x.get("gate.weight"), x.get("lstm_h2h.weight")), 0).transpose()));
            this.stateBias = keep(stack(w, x -> NDArrays.concat(new NDList(x.get("att_state.bias"),
                    x.get("gate.bias"), x.get("lstm_h2h.bias").zerosLike()), 0).expandDims(0)));
            this.score = keep(stack(w, x -> x.get("att_score.weight").transpose())
                    .reshape(members, 1, 1, attention, 1));
            NDIndex wordColumns = new NDIndex(":, 0:" + embed);
            NDIndex contextColumns = new NDIndex(":, " + embed + ":");
            this.wordGates = keep(stack(w, x -> x.get("embed.weight")
                    .matMul(x.get("lstm_i2h.weight").get(wordColumns).transpose())
                    .add(x.get("lstm_i2h.bias")).add(x.get("lstm_h2h.bias")))
                    .reshape((long) members * vocab, 4L * hidden));
            this.contextGates = keep(stack(w, x -> x.get("lstm_i2h.weight").get(contextColumns).transpose()));
            this.output = keep(stack(w, x -> x.get("output.weight").transpose()));
            this.outputBias = keep(stack(w, x -> x.get("output.bias").expandDims(0)));
        }
    }

    /**
     * Copies of the weights owned by {@code scratch}, so that the arithmetic above leaves its
     * intermediates there and not in the bundle's manager (results go to their first operand's).
     */
    private static Map<String, NDArray> local(Map<String, NDArray> weights, NDManager scratch) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        weights.forEach((name, a) -> {
            NDArray copy = a.duplicate();
            copy.attach(scratch);
            out.put(name, copy);
        });
        return out;
    }

    private static NDArray stack(List<Map<String, NDArray>> weights, Function<Map<String, NDArray>, NDArray> part) {
        return SearchArrays.stack(weights, part);
    }

    /** A fresh, contiguous copy owned by this object. */
    private NDArray keep(NDArray a) {
        return SearchArrays.owned(a, manager);
    }

    public int members() {
        return members;
    }

    @Override
    public DecodingModel<State> searchModel(NDManager root) {
        return new Search(root);
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * A search's state, owned by {@code manager}: per row, {@code h} and {@code c} {@code [M, rows, H]}
     * and the image it belongs to ({@code rowImage}, as numbered at the start); per image that still
     * has rows ({@code images}, in that order), its regions {@code [I, R, F]} and the members' keys
     * {@code [M, I, 1, R, A]}.
     */
    public record State(NDManager manager, NDArray h, NDArray c, int[] rowImage, int[] images, NDArray regions,
            NDArray keys) {}

    private final class Search extends EngineSearchModel<State> {
        Search(NDManager root) {
            super(root, vocab);
        }

        @Override
        public State start(float[][] grids) {
            if (grids.length > 0 && (grids[0].length % featureSize != 0 || grids[0].length == featureSize)) {
                throw new IllegalArgumentException("an attention decoder needs each image's grid of regions of "
                        + featureSize + " values, not " + grids[0].length + " values");
            }
            NDManager m = root.newSubManager();
            int n = grids.length;
            int regionCount = n == 0 ? 1 : grids[0].length / featureSize;
            // A copy the engine owns: the created array reads a direct buffer that only its own object
            // keeps alive, and the state outlives this method.
            NDArray regions = SearchArrays.features(m, grids, regionCount * featureSize)
                    .reshape(n, regionCount, featureSize).duplicate();
            NDArray mean = byMember(regions.mean(new int[] {1}));
            NDArray h = mean.batchMatMul(initH).add(initHBias).tanh();
            NDArray c = mean.batchMatMul(initC).add(initCBias).tanh();
            NDArray keys = byMember(regions.reshape(n * (long) regionCount, featureSize)).batchMatMul(keyWeight)
                    .add(keyBias).reshape(members, n, 1, regionCount, attention);
            int[] each = new int[n];
            Arrays.setAll(each, i -> i);
            return new State(m, h, c, each, each.clone(), regions, keys);
        }

        /** {@code [X, Y]} as {@code [M, X, Y]}, the same for every member. */
        private NDArray byMember(NDArray a) {
            NDArray one = a.expandDims(0);
            return members == 1 ? one : one.repeat(0, members);
        }

        @Override
        <R> R advance(State state, int[] lastTokens, BiFunction<NDArray, State, R> read) {
            NDManager m = root.newSubManager();
            NDArray nextH;
            NDArray nextC;
            try (NDManager temp = m.newSubManager()) {
                int rows = lastTokens.length;
                Slots slots = Slots.of(state.rowImage(), state.images());
                NDArray projected = state.h().batchMatMul(stateWeight).add(stateBias);
                NDArray query = projected.get(":, :, 0:" + attention);
                NDArray gate = projected.get(":, :, " + attention + ":" + (attention + featureSize));
                NDArray recurrent = projected.get(":, :, " + (attention + featureSize) + ":");
                int images = state.images().length;
                long regionCount = state.regions().getShape().get(1);
                // Each image's keys against each of its beams' queries; empty slots repeat a row and are never read.
                NDArray slotQueries = query.get(":, {}", SearchArrays.indices(temp, slots.rowOfSlot()))
                        .reshape(members, images, slots.perImage(), 1, attention);
                NDArray energy = Activation.relu(state.keys().add(slotQueries)).matMul(score)
                        .reshape(members, images, slots.perImage(), regionCount);
                NDArray alpha = energy.softmax(3);
                NDArray context = members == 1
                        ? alpha.reshape(images, slots.perImage(), regionCount).batchMatMul(state.regions())
                        : alpha.transpose(1, 0, 2, 3).reshape(images, (long) members * slots.perImage(), regionCount)
                                .batchMatMul(state.regions())
                                .reshape(images, members, slots.perImage(), featureSize).transpose(1, 0, 2, 3);
                NDArray rowContext = context.reshape(members, (long) images * slots.perImage(), featureSize)
                        .get(":, {}", SearchArrays.indices(temp, slots.slotOfRow()));
                int[] ids = SearchArrays.memberRows(lastTokens, members, vocab);
                NDArray gates = Embedding.embedding(SearchArrays.indices(temp, ids), wordGates, SparseFormat.DENSE)
                        .singletonOrThrow().reshape(members, rows, 4L * hidden)
                        .add(Activation.sigmoid(gate).mul(rowContext).batchMatMul(contextGates))
                        .add(recurrent);
                NDList g = gates.split(4, 2);
                nextC = Activation.sigmoid(g.get(1)).mul(state.c())
                        .add(Activation.sigmoid(g.get(0)).mul(g.get(2).tanh()));
                nextH = Activation.sigmoid(g.get(3)).mul(nextC.tanh());
                NDArray logProbs = nextH.batchMatMul(output).add(outputBias).logSoftmax(2);
                logProbs = members == 1 ? logProbs.reshape(rows, vocab) : logProbs.mean(new int[] {0}).logSoftmax(1);
                nextH.attach(m);
                nextC.attach(m);
                // The images' regions and keys do not change from step to step: they move to the new state.
                state.regions().attach(m);
                state.keys().attach(m);
                state.manager().close();
                return read.apply(logProbs, new State(m, nextH, nextC, state.rowImage(), state.images(),
                        state.regions(), state.keys()));
            }
        }

        @Override
        public State select(State state, int[] rows) {
            NDManager m = root.newSubManager();
            NDArray index = SearchArrays.indices(m, rows);
            NDArray h = state.h().get(":, {}", index);
            NDArray c = state.c().get(":, {}", index);
            int[] rowImage = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                rowImage[i] = state.rowImage()[rows[i]];
            }
            int[] images = Arrays.stream(state.images()).filter(i -> contains(rowImage, i)).toArray();
            NDArray regions = state.regions();
            NDArray keys = state.keys();
            if (images.length == state.images().length) {
                regions.attach(m);
                keys.attach(m);
            } else {
                // Images whose every beam has ended are dropped: they cost nothing from here on.
                int[] positions = new int[images.length];
                for (int i = 0; i < images.length; i++) {
                    positions[i] = indexOf(state.images(), images[i]);
                }
                NDArray kept = SearchArrays.indices(m, positions);
                regions = regions.get(kept);
                keys = keys.get(":, {}", kept);
            }
            h.attach(m);
            c.attach(m);
            regions.attach(m);
            keys.attach(m);
            state.manager().close();
            return new State(m, h, c, rowImage, images, regions, keys);
        }

        @Override
        public void release(State state) {
            state.manager().close();
        }
    }

    private static boolean contains(int[] values, int value) {
        return indexOf(values, value) >= 0;
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where each row sits in a padded {@code [images, perImage]} layout (slot = image position ×
     * perImage + its rank among the image's rows), and which row fills each slot (an empty slot names
     * row 0: its attention is computed and never read).
     */
    record Slots(int perImage, int[] slotOfRow, int[] rowOfSlot) {
        static Slots of(int[] rowImage, int[] images) {
            int[] position = new int[Arrays.stream(images).max().orElse(-1) + 1];
            for (int p = 0; p < images.length; p++) {
                position[images[p]] = p;
            }
            int[] count = new int[images.length];
            int[] rank = new int[rowImage.length];
            for (int r = 0; r < rowImage.length; r++) {
                rank[r] = count[position[rowImage[r]]]++;
            }
            int perImage = Math.max(1, Arrays.stream(count).max().orElse(1));
            int[] slotOfRow = new int[rowImage.length];
            int[] rowOfSlot = new int[images.length * perImage];
            for (int r = 0; r < rowImage.length; r++) {
                slotOfRow[r] = position[rowImage[r]] * perImage + rank[r];
                rowOfSlot[slotOfRow[r]] = r;
            }
            return new Slots(perImage, slotOfRow, rowOfSlot);
        }
    }
}
