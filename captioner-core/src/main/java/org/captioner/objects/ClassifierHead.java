package org.captioner.objects;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The encoder network's own ImageNet classifier head as a TorchScript module loaded through DJL:
 * pooled features {@code [N,F]} → class probabilities {@code [N,C]}. It reuses the feature
 * vectors the captioner already computed, so the posterior costs one small matrix product.
 * Thread-safe (calls are serialised; each is well under a millisecond per image).
 */
final class ClassifierHead implements AutoCloseable {

    private final ZooModel<float[][], float[][]> model;
    private final Predictor<float[][], float[][]> predictor;

    private ClassifierHead(ZooModel<float[][], float[][]> model) {
        this.model = model;
        this.predictor = model.newPredictor();
    }

    static ClassifierHead load(Path file) throws IOException {
        Criteria<float[][], float[][]> criteria = Criteria.builder()
                .setTypes(float[][].class, float[][].class)
                .optEngine("PyTorch")
                .optModelPath(file)
                .optTranslator(new Rows())
                .build();
        try {
            return new ClassifierHead(criteria.loadModel());
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IOException("cannot load the classifier head " + file + ": " + e.getMessage(), e);
        }
    }

    /** One probability row per feature row. */
    synchronized float[][] probabilities(float[][] pooled) {
        if (pooled.length == 0) {
            return new float[0][];
        }
        try {
            return predictor.predict(pooled);
        } catch (TranslateException e) {
            throw new IllegalStateException("classifier head failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }

    /** float rows in, float rows out. */
    private static final class Rows implements NoBatchifyTranslator<float[][], float[][]> {
        @Override
        public NDList processInput(TranslatorContext ctx, float[][] rows) {
            int n = rows.length;
            int f = rows[0].length;
            float[] flat = new float[n * f];
            for (int i = 0; i < n; i++) {
                System.arraycopy(rows[i], 0, flat, i * f, f);
            }
            return new NDList(ctx.getNDManager().create(flat, new Shape(n, f)));
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList list) {
            NDArray out = list.singletonOrThrow();
            int n = (int) out.getShape().get(0);
            int c = (int) out.getShape().get(1);
            float[] flat = out.toFloatArray();
            float[][] rows = new float[n][c];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * c, rows[i], 0, c);
            }
            return rows;
        }
    }
}
