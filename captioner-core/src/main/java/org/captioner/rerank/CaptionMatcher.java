package org.captioner.rerank;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
 * How well captions describe photos: a joint embedding of a photo's pooled encoder features and a
 * caption's words (VSE++, Faghri et al. 2018), trained on the training split's photos and captions by
 * {@code scripts/derive_matching.py} and loaded as TorchScript through DJL. Its cosine similarity,
 * in [-1, 1], is what {@link Reranking} adds to the search's score. Thread-safe (calls are serialised).
 */
public final class CaptionMatcher implements AutoCloseable {

    /** The file a bundle keeps it in. */
    public static final String FILE = "matching.pt";

    private final ZooModel<Pairs, float[]> model;
    private final Predictor<Pairs, float[]> predictor;

    private CaptionMatcher(ZooModel<Pairs, float[]> model) {
        this.model = model;
        this.predictor = model.newPredictor();
    }

    public static CaptionMatcher load(Path file) throws IOException {
        Criteria<Pairs, float[]> criteria = Criteria.builder()
                .setTypes(Pairs.class, float[].class)
                .optEngine("PyTorch")
                .optModelPath(file)
                .optTranslator(new PairsTranslator())
                .build();
        try {
            return new CaptionMatcher(criteria.loadModel());
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IOException("cannot load the caption matcher " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The similarity of each caption to its photo: {@code captions[k]} (vocabulary ids, at least
     * one) describes the photo whose pooled features are {@code pooled[k]}.
     */
    public synchronized float[] similarity(float[][] pooled, int[][] captions) {
        if (pooled.length != captions.length) {
            throw new IllegalArgumentException(pooled.length + " photos for " + captions.length + " captions");
        }
        if (captions.length == 0) {
            return new float[0];
        }
        try {
            return predictor.predict(new Pairs(pooled, captions));
        } catch (TranslateException e) {
            throw new IllegalStateException("caption matcher failed: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that this matcher takes this bundle's words and features: one caption of the
     * vocabulary's last word against a photo of {@code featureSize} zeros must go through. A matcher
     * made for another bundle (a smaller vocabulary, another encoder's feature size) fails it here,
     * at load time, rather than on the first photo or silently.
     *
     * @throws IOException saying what did not fit
     */
    public void checkFits(int vocabularySize, int featureSize, String where) throws IOException {
        // The features first, with a word every vocabulary has (<start>), so that the error says which did not fit.
        probe(featureSize, 1, where, "this bundle's " + featureSize + "-d features");
        probe(featureSize, vocabularySize - 1, where, "this bundle's " + vocabularySize + "-word vocabulary");
    }

    private void probe(int featureSize, int word, String where, String what) throws IOException {
        try {
            float[] s = similarity(new float[1][featureSize], new int[][] {{word}});
            if (s.length != 1) {
                throw new IllegalStateException("one similarity expected, got " + s.length);
            }
        } catch (RuntimeException e) {
            String cause = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new IOException("the caption matcher " + where + " does not take " + what + " (made for another"
                    + " bundle? scripts/derive_matching.py makes one for it): " + cause, e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }

    /** Rows of photos and captions, paired by index. */
    record Pairs(float[][] pooled, int[][] captions) {}

    /** Pooled features, captions padded with 0 ({@code <pad>}) and their lengths in; one cosine per row out. */
    private static final class PairsTranslator implements NoBatchifyTranslator<Pairs, float[]> {
        @Override
        public NDList processInput(TranslatorContext ctx, Pairs in) {
            NDManager m = ctx.getNDManager();
            int n = in.pooled().length;
            int f = in.pooled()[0].length;
            float[] flat = new float[n * f];
            int longest = 1;
            for (int i = 0; i < n; i++) {
                System.arraycopy(in.pooled()[i], 0, flat, i * f, f);
                longest = Math.max(longest, in.captions()[i].length);
            }
            long[] tokens = new long[n * longest];
            long[] lengths = new long[n];
            for (int i = 0; i < n; i++) {
                int[] c = in.captions()[i];
                if (c.length == 0) {
                    throw new IllegalArgumentException("an empty caption cannot be matched");
                }
                for (int t = 0; t < c.length; t++) {
                    tokens[i * longest + t] = c[t];
                }
                lengths[i] = c.length;
            }
            return new NDList(m.create(flat, new Shape(n, f)),
                    m.create(tokens, new Shape(n, longest)),
                    m.create(lengths, new Shape(n)));
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            NDArray out = list.singletonOrThrow();
            return out.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }
}
