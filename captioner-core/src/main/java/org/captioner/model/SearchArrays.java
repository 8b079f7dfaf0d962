package org.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** Conversions between the searches' Java arrays and engine arrays, shared by the search models. */
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
}
