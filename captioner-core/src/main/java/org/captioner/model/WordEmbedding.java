package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;

/** The word embedding of both decoders: a {@code [V, E]} weight looked up by token id, then dropout. */
final class WordEmbedding {

    private WordEmbedding() {}

    /** The embedding weight, uniform in [-0.1, 0.1] before training. */
    static Parameter parameter(DecoderConfig config) {
        return Parameter.builder()
                .setName("embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.vocabSize(), config.embedSize()))
                .optInitializer(new UniformInitializer(0.1f))
                .build();
    }

    /** The embeddings of {@code tokens} (any shape of int64 ids), with dropout while training. */
    static NDArray embed(ParameterStore ps, Parameter embedding, Dropout dropout, NDArray tokens, boolean training) {
        NDArray weight = ps.getValue(embedding, tokens.getDevice(), training);
        NDArray words = Embedding.embedding(tokens, weight, SparseFormat.DENSE).singletonOrThrow();
        return dropout.forward(ps, new NDList(words), training).singletonOrThrow();
    }
}
