package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.captioner.search.DecodingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The Show-and-Tell language model as a DJL block. The image feature vector initialises the LSTM
 * state, {@code h0 = tanh(W_h f + b_h)}, {@code c0 = tanh(W_c f + b_c)}; words are embedded, run
 * through the LSTM and projected to vocabulary logits.
 *
 * <p>{@link #forward} takes {@code (features [B,F], tokens [B,T])} and returns logits
 * {@code [B,T,V]} (teacher forcing). {@link #initialState} and {@link #step} run one word at a time
 * for search; step-by-step logits equal the full-sequence ones.
 */
public final class CaptionDecoder extends DecoderBlock {

    private static final byte VERSION = 1;

    private final Parameter embedding;
    private final Linear initH;
    private final Linear initC;
    private final LSTM lstm;
    private final Dropout dropout;
    private final Linear output;

    public CaptionDecoder(DecoderConfig config) {
        super(VERSION, config);
        if (config.attends()) {
            throw new IllegalArgumentException("an attention config makes an AttentionDecoder (DecoderBlock.create)");
        }
        this.embedding = addParameter(WordEmbedding.parameter(config));
        long stateValues = (long) config.numLayers() * config.hiddenSize();
        this.initH = addChildBlock("init_h", Linear.builder().setUnits(stateValues).build());
        this.initC = addChildBlock("init_c", Linear.builder().setUnits(stateValues).build());
        this.lstm = addChildBlock("lstm", LSTM.builder()
                .setStateSize(config.hiddenSize())
                .setNumLayers(config.numLayers())
                .optDropRate((float) config.dropout())
                .optBatchFirst(true)
                .optReturnState(true)
                .build());
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate((float) config.dropout()).build());
        this.output = addChildBlock("output", Linear.builder().setUnits(config.vocabSize()).build());
    }

    /** Builds and initialises the parameters (random) for a batch of the given sizes. */
    @Override
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32,
                new Shape(1, config().featureSize()), new Shape(1, 1));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape features = inputShapes[0];
        long batch = features.get(0);
        long steps = inputShapes[1].get(1);
        initH.initialize(manager, dataType, features);
        initC.initialize(manager, dataType, features);
        Shape embedded = new Shape(batch, steps, config().embedSize());
        lstm.initialize(manager, dataType, embedded);
        Shape hidden = new Shape(batch, steps, config().hiddenSize());
        dropout.initialize(manager, dataType, hidden);
        output.initialize(manager, dataType, hidden);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[1];
        return new Shape[] {new Shape(tokens.get(0), tokens.get(1), config().vocabSize())};
    }

    /** Teacher forcing: logits for every position of {@code tokens} given the image. */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = inputs.get(0);
        NDArray tokens = inputs.get(1);
        NDList state = initialState(ps, features, training);
        NDArray words = embed(ps, tokens, training);
        NDList rnn = lstm.forward(ps, new NDList(words, state.get(0), state.get(1)), training);
        return new NDList(project(ps, rnn.get(0), training));
    }

    /** {@code (h0, c0)}, each {@code [layers, B, hidden]}, from image features {@code [B, F]}. */
    public NDList initialState(ParameterStore ps, NDArray features, boolean training) {
        return new NDList(stateFrom(ps, initH, features, training), stateFrom(ps, initC, features, training));
    }

    private NDArray stateFrom(ParameterStore ps, Linear projection, NDArray features, boolean training) {
        long batch = features.getShape().get(0);
        NDArray flat = projection.forward(ps, new NDList(features), training).singletonOrThrow().tanh();
        return flat.reshape(batch, config().numLayers(), config().hiddenSize()).transpose(1, 0, 2);
    }

    /**
     * One decoding step for N rows: logits {@code [N, V]} for the next word after {@code tokens}
     * ({@code [N]}, int64), and the new {@code (h, c)}.
     */
    public NDList step(ParameterStore ps, NDArray tokens, NDArray h, NDArray c) {
        NDArray words = embed(ps, tokens.reshape(-1, 1), false);
        NDList rnn = lstm.forward(ps, new NDList(words, h, c), false);
        NDArray logits = project(ps, rnn.get(0), false);
        return new NDList(logits.squeeze(1), rnn.get(1), rnn.get(2));
    }

    @Override
    public DecodingModel<?> searchModel(NDManager root) {
        return new DecoderSearchModel(this, root);
    }

    /**
     * The trained weights as plain arrays (shared, not copied), for inference code that runs the
     * LSTM cell itself. Per layer: input and recurrent weights {@code [4H, in]} and biases
     * {@code [4H]}, gates in PyTorch's order (input, forget, cell, output).
     */
    public record Weights(NDArray embedding, NDArray initHWeight, NDArray initHBias, NDArray initCWeight,
            NDArray initCBias, List<NDArray> inputWeights, List<NDArray> recurrentWeights,
            List<NDArray> inputBiases, List<NDArray> recurrentBiases, NDArray outputWeight,
            NDArray outputBias) {}

    public Weights weights() {
        List<NDArray> wi = new ArrayList<>();
        List<NDArray> wh = new ArrayList<>();
        List<NDArray> bi = new ArrayList<>();
        List<NDArray> bh = new ArrayList<>();
        PairList<String, Parameter> rnn = lstm.getDirectParameters();
        for (int l = 0; l < config().numLayers(); l++) {
            wi.add(rnn.get("l_" + l + "_i2h_WEIGHT").getArray());
            wh.add(rnn.get("l_" + l + "_h2h_WEIGHT").getArray());
            bi.add(rnn.get("l_" + l + "_i2h_BIAS").getArray());
            bh.add(rnn.get("l_" + l + "_h2h_BIAS").getArray());
        }
        return new Weights(embedding.getArray(),
                initH.getDirectParameters().get("weight").getArray(), initH.getDirectParameters().get("bias").getArray(),
                initC.getDirectParameters().get("weight").getArray(), initC.getDirectParameters().get("bias").getArray(),
                wi, wh, bi, bh,
                output.getDirectParameters().get("weight").getArray(),
                output.getDirectParameters().get("bias").getArray());
    }

    private NDArray embed(ParameterStore ps, NDArray tokens, boolean training) {
        return WordEmbedding.embed(ps, embedding, dropout, tokens, training);
    }

    private NDArray project(ParameterStore ps, NDArray hidden, boolean training) {
        NDArray dropped = dropout.forward(ps, new NDList(hidden), training).singletonOrThrow();
        return output.forward(ps, new NDList(dropped), training).singletonOrThrow();
    }
}
