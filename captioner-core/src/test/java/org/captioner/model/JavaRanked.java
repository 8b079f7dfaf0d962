package org.captioner.model;

import org.captioner.search.DecodingModel;

/** Tests' reference ranking: a search model whose stepTop is the interface's default, whole rows ranked in Java. */
final class JavaRanked {
    private JavaRanked() {}

    static <S> DecodingModel<S> of(DecodingModel<S> model) {
        return new DecodingModel<>() {
            @Override
            public int vocabSize() {
                return model.vocabSize();
            }

            @Override
            public S start(float[][] features) {
                return model.start(features);
            }

            @Override
            public Step<S> step(S state, int[] lastTokens) {
                return model.step(state, lastTokens);
            }

            @Override
            public S select(S state, int[] rows) {
                return model.select(state, rows);
            }
        };
    }
}
