package org.captioner.features;

/** Features of a grid of regions, stored region-major (regions × feature size) in one row per photo. */
public final class Grids {

    private Grids() {}

    /**
     * Each photo's pooled vector of {@code featureSize} values: the row itself when it is one
     * already, else the mean of its grid's regions (what the encoder's own pooling computes).
     */
    public static float[][] pooled(float[][] rows, int featureSize) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            float[] row = rows[i];
            if (row.length % featureSize != 0) {
                throw new IllegalArgumentException("features have " + row.length + " values, not a whole number of "
                        + featureSize + "-value regions");
            }
            if (row.length == featureSize) {
                out[i] = row;
                continue;
            }
            int regions = row.length / featureSize;
            float[] mean = new float[featureSize];
            for (int r = 0; r < regions; r++) {
                for (int c = 0; c < featureSize; c++) {
                    mean[c] += row[r * featureSize + c];
                }
            }
            for (int c = 0; c < featureSize; c++) {
                mean[c] /= regions;
            }
            out[i] = mean;
        }
        return out;
    }
}
