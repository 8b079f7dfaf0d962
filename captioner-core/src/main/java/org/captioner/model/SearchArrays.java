package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.captioner.search.DecodingModel;

/** Conversions between the searches' Java arrays and engine arrays, and weight stacking, shared by the search models. */
final class SearchArrays {
    private SearchArrays() {}

    /** Image feature vectors as a {@code [N, F]} array in {@code m}; each must have {@code featureSize} values. */
    static NDArray features(NDManager m, float[][] features, int featureSize) {
        float[] flat = new float[features.length * featureSize];
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != featureSize) {
                throw new IllegalArgumentException("feature vector has " + features[i].length
                        + " values, the decoder expects " + featureSize);
            }
            System.arraycopy(features[i], 0, flat, i * featureSize, featureSize);
        }
        return m.create(flat, new Shape(features.length, featureSize));
    }

    /** One array per member, stacked along a new first axis {@code [M, ...]}. */
    static <T> NDArray stack(List<T> members, Function<T, NDArray> part) {
        NDList parts = new NDList();
        for (T member : members) {
            parts.add(part.apply(member));
        }
        return NDArrays.stack(parts);
    }

    /** A fresh, contiguous copy of {@code a} owned by {@code manager} ({@code a} may view arrays about to be freed). */
    static NDArray owned(NDArray a, NDManager manager) {
        NDArray copy = a.duplicate();
        copy.attach(manager);
        return copy;
    }

    /**
     * The rows of a stacked per-member lookup table {@code [M*V, ...]} for {@code lastTokens}: member
     * k's row for token t is {@code k*V + t}, members first.
     */
    static int[] memberRows(int[] lastTokens, int members, int vocab) {
        int rows = lastTokens.length;
        int[] ids = new int[members * rows];
        for (int k = 0; k < members; k++) {
            for (int r = 0; r < rows; r++) {
                ids[k * rows + r] = k * vocab + lastTokens[r];
            }
        }
        return ids;
    }

    /** Token ids or row numbers as the int64 index array the engine's lookups take. */
    static NDArray indices(NDManager m, int[] values) {
        return m.create(Arrays.stream(values).asLongStream().toArray());
    }

    /** A {@code [rows, width]} array's values, row by row. */
    static float[][] rows(NDArray table, int rows, int width) {
        float[] flat = table.toFloatArray();
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(flat, r * width, (r + 1) * width);
        }
        return out;
    }

    /**
     * The {@code k} best words of each row of {@code logProbs} {@code [rows, V]}, best first, with
     * {@code mask} ({@link BannedMask}) added: ranked in the engine, so only {@code k} values per
     * row reach Java instead of the whole vocabulary.
     */
    static <S> DecodingModel.TopWords<S> topWords(NDArray logProbs, NDArray mask, int rows, int k, S next) {
        NDList top = logProbs.add(mask).topK(k, 1, true, true);
        float[][] values = rows(top.get(0), rows, k);
        long[] words = top.get(1).toType(DataType.INT64, false).toLongArray();
        int[][] w = new int[rows][k];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                w[r][j] = (int) words[r * k + j];
            }
        }
        return new DecodingModel.TopWords<>(w, values, next);
    }

    /** A {@code [V]} array of 0 for allowed words and -inf for banned ones, made again only when the banned set changes. */
    static final class BannedMask {
        private final NDManager manager;
        private final int vocab;
        private Set<Integer> maskFor;
        private NDArray mask;

        /** @param manager owns the mask (the search model's root) */
        BannedMask(NDManager manager, int vocab) {
            this.manager = manager;
            this.vocab = vocab;
        }

        NDArray of(Set<Integer> banned) {
            if (!banned.equals(maskFor)) {
                float[] values = new float[vocab];
                banned.forEach(w -> values[w] = Float.NEGATIVE_INFINITY);
                if (mask != null) {
                    mask.close();
                }
                mask = manager.create(values);
                maskFor = Set.copyOf(banned);
            }
            return mask;
        }
    }
}
