package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.captioner.search.DecodingModel;
import org.captioner.text.Vocabulary;

/**
 * The Show, Attend and Tell language model (Xu et al., ICML 2015, soft attention) as a DJL block:
 * the encoder's grid of R regions, each an F-vector, is looked at again for every word.
 *
 * <p>The mean region initialises the state, {@code h0 = tanh(W_h mean + b)}, {@code c0 = tanh(W_c
 * mean + b)}, as in Show and Tell. At each step, from the previous {@code h}: additive attention
 * {@code e_r = v^T relu(W_a a_r + U_a h)}, {@code α = softmax(e)} over the regions, a context
 * {@code z = σ(W_β h) ⊙ Σ_r α_r a_r} (the paper's gate β), and one LSTM cell step on
 * {@code [embedding(word); z]}; the new {@code h} (after dropout) is projected to the vocabulary.
 * The LSTM cell is written out (input and recurrent projections, gates in PyTorch's order i, f, g,
 * o) because its input changes with α at every step, which DJL's fused LSTM cannot take.
 *
 * <p>{@link #forward} takes {@code (regions [B,R,F], tokens [B,T])} and returns logits
 * {@code [B,T,V]} and the attention {@code α [B,T,R]} (teacher forcing);
 * {@link #doublyStochasticPenalty} is the paper's regulariser on α. {@link #initialState},
 * {@link #keys} and {@link #step} run one word at a time for search; step-by-step logits equal the
 * full-sequence ones.
 */
public final class AttentionDecoder extends DecoderBlock {

    private static final byte VERSION = 1;

    private final Parameter embedding;
    private final Linear initH;
    private final Linear initC;
    private final Linear regionKeys;
    private final Linear stateQuery;
    private final Linear score;
    private final Linear gate;
    private final Linear inputGates;
    private final Linear recurrentGates;
    private final Dropout dropout;
    private final Linear output;

    /**
     * @param config vocabulary, region feature size F, embedding and state sizes, dropout (one layer)
     * @param attentionSize width A of the additive attention
     */
    public AttentionDecoder(DecoderConfig config, int attentionSize) {
        // The config records the attention size, so that a saved bundle loads as this kind again.
        super(VERSION, config.withAttention(attentionSize));
        if (attentionSize < 1) {
            throw new IllegalArgumentException("attentionSize must be positive");
        }
        this.embedding = addParameter(WordEmbedding.parameter(config));
        int hidden = config.hiddenSize();
        this.initH = addChildBlock("init_h", Linear.builder().setUnits(hidden).build());
        this.initC = addChildBlock("init_c", Linear.builder().setUnits(hidden).build());
        this.regionKeys = addChildBlock("att_regions", Linear.builder().setUnits(attentionSize).build());
        this.stateQuery = addChildBlock("att_state", Linear.builder().setUnits(attentionSize).build());
        this.score = addChildBlock("att_score", Linear.builder().setUnits(1).build());
        this.gate = addChildBlock("gate", Linear.builder().setUnits(config.featureSize()).build());
        this.inputGates = addChildBlock("lstm_i2h", Linear.builder().setUnits(4L * hidden).build());
        this.recurrentGates = addChildBlock("lstm_h2h", Linear.builder().setUnits(4L * hidden).build());
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate((float) config.dropout()).build());
        this.output = addChildBlock("output", Linear.builder().setUnits(config.vocabSize()).build());
    }

    public int attentionSize() {
        return config().attentionSize();
    }

    /** Builds and initialises the parameters (random); their sizes do not depend on the grid's. */
    @Override
    public void initialize(NDManager manager) {
        initialize(manager, 1);
    }

    /** Builds and initialises the parameters (random) for grids of {@code regions} regions. */
    public void initialize(NDManager manager, int regions) {
        initialize(manager, DataType.FLOAT32, new Shape(1, regions, config().featureSize()), new Shape(1, 1));
    }

    /**
     * Where the model looked for each word of a caption: row k is the α over the grid's regions
     * with which it wrote {@code words[k]} (teacher forcing from {@code <start>}, which the search's
     * step-by-step α equals). {@code grid} is one image's regions, region-major ({@code R*F}).
     */
    public float[][] attention(NDManager manager, float[] grid, int[] words) {
        int featureSize = config().featureSize();
        if (grid.length % featureSize != 0) {
            throw new IllegalArgumentException("a grid of regions of " + featureSize + " values expected, got "
                    + grid.length + " values");
        }
        int regions = grid.length / featureSize;
        if (words.length == 0) {
            return new float[0][regions];
        }
        try (NDManager m = manager.newSubManager()) {
            long[] tokens = new long[words.length];
            tokens[0] = Vocabulary.START_ID;
            for (int k = 1; k < words.length; k++) {
                tokens[k] = words[k - 1];
            }
            NDArray alphas = forward(new ParameterStore(m, false), new NDList(
                    m.create(grid, new Shape(1, regions, featureSize)), m.create(tokens, new Shape(1, words.length))),
                    false).get(1);
            float[] flat = alphas.toFloatArray();
            float[][] out = new float[words.length][regions];
            for (int k = 0; k < words.length; k++) {
                System.arraycopy(flat, k * regions, out[k], 0, regions);
            }
            return out;
        }
    }

    /**
     * The trained weights as plain arrays (shared, not copied), for code outside DJL that runs this
     * decoder (the bench's PyTorch peer): {@code embed.weight} {@code [V, E]}, then each linear
     * layer's {@code <name>.weight} {@code [out, in]} and {@code <name>.bias} {@code [out]} under the
     * names this block gives its children (init_h, init_c, att_regions, att_state, att_score, gate,
     * lstm_i2h, lstm_h2h, output; the LSTM's gates in PyTorch's order: input, forget, cell, output).
     */
    public Map<String, NDArray> weights() {
        Map<String, NDArray> named = new LinkedHashMap<>();
        named.put("embed.weight", embedding.getArray());
        Map<String, Linear> linears = new LinkedHashMap<>();
        linears.put("init_h", initH);
        linears.put("init_c", initC);
        linears.put("att_regions", regionKeys);
        linears.put("att_state", stateQuery);
        linears.put("att_score", score);
        linears.put("gate", gate);
        linears.put("lstm_i2h", inputGates);
        linears.put("lstm_h2h", recurrentGates);
        linears.put("output", output);
        linears.forEach((name, layer) -> {
            named.put(name + ".weight", layer.getDirectParameters().get("weight").getArray());
            named.put(name + ".bias", layer.getDirectParameters().get("bias").getArray());
        });
        return named;
    }

    @Override
    public DecodingModel<?> searchModel(NDManager root) {
        return new AttentionSearchModel(this, root);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[0].get(0);
        long regions = inputShapes[0].get(1);
        Shape pooled = new Shape(batch, config().featureSize());
        Shape state = new Shape(batch, config().hiddenSize());
        initH.initialize(manager, dataType, pooled);
        initC.initialize(manager, dataType, pooled);
        regionKeys.initialize(manager, dataType, new Shape(batch, regions, config().featureSize()));
        stateQuery.initialize(manager, dataType, state);
        score.initialize(manager, dataType, new Shape(batch, regions, config().attentionSize()));
        gate.initialize(manager, dataType, state);
        inputGates.initialize(manager, dataType, new Shape(batch, config().embedSize() + config().featureSize()));
        recurrentGates.initialize(manager, dataType, state);
        dropout.initialize(manager, dataType, state);
        output.initialize(manager, dataType, state);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape regions = inputShapes[0];
        Shape tokens = inputShapes[1];
        long r = regions.dimension() == 3 ? regions.get(1) : regions.get(1) / config().featureSize();
        return new Shape[] {new Shape(tokens.get(0), tokens.get(1), config().vocabSize()),
            new Shape(tokens.get(0), tokens.get(1), r)};
    }

    /** Teacher forcing: logits {@code [B,T,V]} for every position of {@code tokens}, and α {@code [B,T,R]}. */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray regions = grid(inputs.get(0));
        NDArray tokens = inputs.get(1);
        NDList state = initialState(ps, regions, training);
        NDArray h = state.get(0);
        NDArray c = state.get(1);
        NDArray keys = keys(ps, regions, training);
        NDArray words = embed(ps, tokens, training);
        long steps = tokens.getShape().get(1);
        NDList logits = new NDList();
        NDList alphas = new NDList();
        for (long t = 0; t < steps; t++) {
            NDList out = cell(ps, words.get(":, " + t + ", :"), h, c, regions, keys, training);
            logits.add(out.get(0));
            h = out.get(1);
            c = out.get(2);
            alphas.add(out.get(3));
        }
        return new NDList(NDArrays.stack(logits, 1), NDArrays.stack(alphas, 1));
    }

    /** Grids as {@code [B, R, F]}: given so, or flattened region by region as {@code [B, R*F]} (feature caches). */
    private NDArray grid(NDArray features) {
        if (features.getShape().dimension() == 3) {
            return features;
        }
        return features.reshape(features.getShape().get(0), -1, config().featureSize());
    }

    /** {@code (h0, c0)}, each {@code [B, hidden]}, from the mean of the regions {@code [B, R, F]}. */
    public NDList initialState(ParameterStore ps, NDArray regions, boolean training) {
        NDArray mean = regions.mean(new int[] {1});
        return new NDList(initH.forward(ps, new NDList(mean), training).singletonOrThrow().tanh(),
                initC.forward(ps, new NDList(mean), training).singletonOrThrow().tanh());
    }

    /** The regions' attention keys {@code W_a a_r} {@code [B, R, A]}: computed once per image, used at every step. */
    public NDArray keys(ParameterStore ps, NDArray regions, boolean training) {
        return regionKeys.forward(ps, new NDList(regions), training).singletonOrThrow();
    }

    /**
     * One decoding step for N rows: logits {@code [N, V]} for the word after {@code tokens}
     * ({@code [N]}, int64), the new {@code (h, c)} and this step's α {@code [N, R]}; {@code regions}
     * and {@code keys} are the rows' grids and {@link #keys}.
     */
    public NDList step(ParameterStore ps, NDArray tokens, NDArray h, NDArray c, NDArray regions, NDArray keys) {
        NDArray words = embed(ps, tokens, false);
        return cell(ps, words, h, c, regions, keys, false);
    }

    /**
     * The paper's doubly stochastic regulariser, {@code (1 − Σ_t α_tr)²} averaged over the regions
     * and the images (as common implementations of the paper do, so that λ = 1 suits any grid),
     * with {@code mask [B,T]} (1 for real words) leaving out the padding's α. It pushes the model to
     * look at every region over the caption.
     */
    public static NDArray doublyStochasticPenalty(NDArray alphas, NDArray mask) {
        NDArray attended = alphas.mul(mask.expandDims(2)).sum(new int[] {1});
        return attended.neg().add(1f).square().mean();
    }

    private NDList cell(ParameterStore ps, NDArray word, NDArray h, NDArray c, NDArray regions, NDArray keys,
            boolean training) {
        NDArray query = stateQuery.forward(ps, new NDList(h), training).singletonOrThrow();
        NDArray energy = score.forward(ps, new NDList(Activation.relu(keys.add(query.expandDims(1)))), training)
                .singletonOrThrow().squeeze(2);
        NDArray alpha = energy.softmax(1);
        NDArray context = alpha.expandDims(1).matMul(regions).squeeze(1);
        NDArray beta = Activation.sigmoid(gate.forward(ps, new NDList(h), training).singletonOrThrow());
        NDArray input = NDArrays.concat(new NDList(word, beta.mul(context)), 1);
        NDArray gates = inputGates.forward(ps, new NDList(input), training).singletonOrThrow()
                .add(recurrentGates.forward(ps, new NDList(h), training).singletonOrThrow());
        NDList split = gates.split(4, 1);
        NDArray i = Activation.sigmoid(split.get(0));
        NDArray f = Activation.sigmoid(split.get(1));
        NDArray g = split.get(2).tanh();
        NDArray o = Activation.sigmoid(split.get(3));
        NDArray nextC = f.mul(c).add(i.mul(g));
        NDArray nextH = o.mul(nextC.tanh());
        NDArray dropped = dropout.forward(ps, new NDList(nextH), training).singletonOrThrow();
        NDArray logits = output.forward(ps, new NDList(dropped), training).singletonOrThrow();
        return new NDList(logits, nextH, nextC, alpha);
    }

    private NDArray embed(ParameterStore ps, NDArray tokens, boolean training) {
        return WordEmbedding.embed(ps, embedding, dropout, tokens, training);
    }
}
