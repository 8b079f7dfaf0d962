package org.captioner.encoder;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A frozen pretrained CNN that turns images into feature vectors, loaded through DJL's Criteria
 * from a TorchScript file, a URL or a model-zoo id. Safe to share between threads: calls take one
 * of a small pool of predictors (DJL predictors are not thread-safe).
 */
public final class ImageEncoder implements AutoCloseable {

    static final String ONNX_RUNTIME = "OnnxRuntime";

    private final ZooModel<ImageBatch, float[][]> model;
    private final BlockingQueue<Predictor<ImageBatch, float[][]>> predictors;
    /** Predictors that return whole grids, made on first use. */
    private BlockingQueue<Predictor<ImageBatch, float[][]>> gridPredictors;
    private final int poolSize;
    private final EncoderIdentity identity;

    private ImageEncoder(ZooModel<ImageBatch, float[][]> model, int poolSize, EncoderIdentity partial) {
        this.model = model;
        this.poolSize = poolSize;
        this.predictors = new ArrayBlockingQueue<>(poolSize);
        for (int i = 0; i < poolSize; i++) {
            predictors.add(model.newPredictor());
        }
        int featureSize = probeFeatureSize(partial.preprocessing());
        this.identity = new EncoderIdentity(partial.name(), partial.sha256(), partial.origin(),
                partial.preprocessing(), featureSize);
    }

    /** Loads with one predictor. */
    public static ImageEncoder load(EncoderSource source, Preprocessing preprocessing) {
        return load(source, preprocessing, 1);
    }

    /**
     * Loads the network and measures its feature size with one probe image.
     *
     * @param poolSize predictors that may run at once (each runs on the engine's intra-op threads)
     */
    public static ImageEncoder load(EncoderSource source, Preprocessing preprocessing, int poolSize) {
        TorchLogLevel.applyFromEnvironment();
        Criteria.Builder<ImageBatch, float[][]> criteria = Criteria.builder()
                .setTypes(ImageBatch.class, float[][].class)
                .optEngine(engineFor(source))
                .optTranslator(new FeatureTranslator(preprocessing));
        if (ONNX_RUNTIME.equals(engineFor(source))) {
            // As many intra-op threads as libtorch uses, so the two engines are compared on equal terms.
            criteria.optOption("intraOpNumThreads", Integer.toString(ai.djl.pytorch.jni.JniUtils.getNumThreads()));
        }
        String name;
        String sha256 = null;
        switch (source.kind()) {
            case FILE:
                Path file = source.path();
                if (!Files.isRegularFile(file)) {
                    throw new EncoderLoadException("encoder file not found: " + file);
                }
                criteria.optModelPath(file);
                name = file.getFileName().toString();
                sha256 = sha256(file);
                break;
            case URL:
            case ZOO:
                criteria.optModelUrls(source.location());
                name = source.location();
                break;
            default:
                throw new AssertionError(source.kind());
        }
        ZooModel<ImageBatch, float[][]> model;
        try {
            model = criteria.build().loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            String hint = source.kind() == EncoderSource.Kind.FILE ? ""
                    : " (downloads need the network; with -Dai.djl.offline=true only local files and"
                            + " the DJL cache are used)";
            throw new EncoderLoadException("cannot load encoder " + source.location() + ": " + e.getMessage() + hint, e);
        }
        try {
            return new ImageEncoder(model, Math.max(1, poolSize),
                    new EncoderIdentity(name, sha256, source.location(), preprocessing, 1));
        } catch (RuntimeException e) {
            model.close();
            throw new EncoderLoadException("encoder " + source.location() + " failed on a probe image: "
                    + e.getMessage(), e);
        }
    }

    /** The DJL engine that runs an encoder file: ONNX Runtime for {@code .onnx}, else PyTorch (TorchScript). */
    static String engineFor(EncoderSource source) {
        return source.location().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") ? ONNX_RUNTIME : "PyTorch";
    }

    private int probeFeatureSize(Preprocessing p) {
        BufferedImage probe = new BufferedImage(p.crop(), p.crop(), BufferedImage.TYPE_3BYTE_BGR);
        return encode(List.of(probe))[0].length;
    }

    public EncoderIdentity identity() {
        return identity;
    }

    public int featureSize() {
        return identity.featureSize();
    }

    /** The DJL engine running this encoder (PyTorch or OnnxRuntime). */
    public String engine() {
        return model.getNDManager().getEngine().getEngineName();
    }

    /** One feature vector per image, in order. Blocks while all predictors are busy. */
    public float[][] encode(List<BufferedImage> images) {
        return run(predictors, images);
    }

    /**
     * The encoder's whole spatial map per image, region by region: {@link #gridRegions()} regions
     * of {@link #featureSize()} values each (row-major over the map). The pooled vector of
     * {@link #encode} is the mean of the regions. Fails for encoders without a spatial map.
     */
    public float[][] encodeGrid(List<BufferedImage> images) {
        synchronized (this) {
            if (gridPredictors == null) {
                gridPredictors = new ArrayBlockingQueue<>(poolSize);
                for (int i = 0; i < poolSize; i++) {
                    gridPredictors.add(model.newPredictor(new FeatureTranslator(identity.preprocessing(), true)));
                }
            }
        }
        return run(gridPredictors, images);
    }

    /** Regions in this encoder's grid at its input size (7 x 7 = 49 for MobileNetV2 at 224). */
    public int gridRegions() {
        BufferedImage probe = new BufferedImage(identity.preprocessing().crop(), identity.preprocessing().crop(),
                BufferedImage.TYPE_3BYTE_BGR);
        return encodeGrid(List.of(probe))[0].length / featureSize();
    }

    private static float[][] run(BlockingQueue<Predictor<ImageBatch, float[][]>> pool, List<BufferedImage> images) {
        if (images.isEmpty()) {
            return new float[0][];
        }
        Predictor<ImageBatch, float[][]> predictor;
        try {
            predictor = pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the encoder", e);
        }
        try {
            return predictor.predict(new ImageBatch(images));
        } catch (TranslateException e) {
            throw new IllegalStateException("encoder failed: " + e.getMessage(), e);
        } finally {
            pool.add(predictor);
        }
    }

    /** Hex sha256 of a file. */
    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // digesting
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new EncoderLoadException("cannot read encoder file " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        predictors.forEach(Predictor::close);
        synchronized (this) {
            if (gridPredictors != null) {
                gridPredictors.forEach(Predictor::close);
            }
        }
        model.close();
    }
}
