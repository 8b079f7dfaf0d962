package org.captioner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Set;
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

    /**
     * Asserts that {@code model}'s own first-step ranking (in the engine) gives the same best
     * {@code k} words and log-probabilities as ranking its whole rows in Java, and no banned word.
     */
    static <S> void assertRanksAsInJava(DecodingModel<S> model, float[][] features, int[] last, int k,
            Set<Integer> banned) {
        var onDevice = model.stepTop(model.start(features), last, k, banned);
        DecodingModel<S> javaRanked = of(model);
        var inJava = javaRanked.stepTop(javaRanked.start(features), last, k, banned);
        for (int r = 0; r < last.length; r++) {
            assertArrayEquals(inJava.words()[r], onDevice.words()[r]);
            assertArrayEquals(inJava.logProbs()[r], onDevice.logProbs()[r], 1e-6f);
            for (int w : onDevice.words()[r]) {
                assertFalse(banned.contains(w));
            }
        }
    }
}
