package org.captioner.encoder;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.captioner.image.PhotoReader;

/**
 * Images → one normalised {@code [N,3,H,W]} batch; network output → one vector per image. Pooled
 * (the default): spatial maps ({@code [N,C,H,W]}) are averaged over H and W, and vectors
 * ({@code [N,C]}, e.g. fc7) pass through. Grid: a spatial map is returned whole, region by region
 * ({@code H*W} regions of C values, row-major over the map), for decoders that attend to regions.
 */
final class FeatureTranslator implements NoBatchifyTranslator<ImageBatch, float[][]> {

    private final Preprocessing preprocessing;
    private final boolean grid;
    private final float[] mean;
    private final float[] std;

    FeatureTranslator(Preprocessing preprocessing) {
        this(preprocessing, false);
    }

    FeatureTranslator(Preprocessing preprocessing, boolean grid) {
        this.preprocessing = preprocessing;
        this.grid = grid;
        this.mean = toFloats(preprocessing.mean());
        this.std = toFloats(preprocessing.std());
    }

    @Override
    public NDList processInput(TranslatorContext ctx, ImageBatch batch) {
        NDManager manager = ctx.getNDManager();
        List<NDArray> tensors = new ArrayList<>(batch.images().size());
        for (BufferedImage image : batch.images()) {
            tensors.add(preprocess(manager, image));
        }
        return new NDList(NDArrays.stack(new NDList(tensors)));
    }

    /** One image as a normalised CHW float tensor. */
    NDArray preprocess(NDManager manager, BufferedImage image) {
        NDArray hwc = toUint8Hwc(manager, image);
        int w = image.getWidth();
        int h = image.getHeight();
        int crop = preprocessing.crop();
        NDArray resized;
        if (preprocessing.mode() == Preprocessing.Mode.SQUASH) {
            resized = w == crop && h == crop ? hwc
                    : NDImageUtils.resize(hwc, crop, crop, Image.Interpolation.BILINEAR);
        } else {
            int shorter = preprocessing.resize();
            int newW = w <= h ? shorter : (int) Math.round((double) w * shorter / h);
            int newH = w <= h ? (int) Math.round((double) h * shorter / w) : shorter;
            NDArray scaled = newW == w && newH == h ? hwc
                    : NDImageUtils.resize(hwc, newW, newH, Image.Interpolation.BILINEAR);
            resized = NDImageUtils.centerCrop(scaled, crop, crop);
        }
        return NDImageUtils.normalize(NDImageUtils.toTensor(resized), mean, std);
    }

    /** BGR bytes from the raster, reordered to RGB, without a per-pixel getRGB call. */
    private static NDArray toUint8Hwc(NDManager manager, BufferedImage image) {
        BufferedImage bgr = PhotoReader.toRgb(image);
        byte[] data = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        int pixels = bgr.getWidth() * bgr.getHeight();
        ByteBuffer rgb = ByteBuffer.allocateDirect(pixels * 3);
        for (int i = 0; i < pixels; i++) {
            int o = i * 3;
            rgb.put(data[o + 2]).put(data[o + 1]).put(data[o]);
        }
        rgb.flip();
        return manager.create(rgb, new Shape(bgr.getHeight(), bgr.getWidth(), 3), DataType.UINT8);
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        NDArray out = list.get(0);
        int rank = out.getShape().dimension();
        if (grid) {
            if (rank != 4) {
                throw new IllegalStateException("encoder output " + out.getShape() + " has no spatial grid");
            }
            Shape s = out.getShape();
            // [N,C,H,W] -> [N,H,W,C]: each region's C values together.
            return rows(out.transpose(0, 2, 3, 1).reshape(s.get(0), s.get(1) * s.get(2) * s.get(3)));
        }
        NDArray pooled;
        if (rank == 4) {
            // The PyTorch engine averages over one axis at a time: flatten H and W first.
            pooled = out.reshape(out.getShape().get(0), out.getShape().get(1), -1).mean(new int[] {2});
        } else if (rank == 3) {
            pooled = out.mean(new int[] {2});
        } else if (rank == 2) {
            pooled = out;
        } else {
            throw new IllegalStateException("encoder output has unexpected shape " + out.getShape());
        }
        return rows(pooled);
    }

    /** A 2-d array as one float row per image. */
    private static float[][] rows(NDArray pooled) {
        int n = (int) pooled.getShape().get(0);
        int f = (int) pooled.getShape().get(1);
        float[] flat = pooled.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] rows = new float[n][f];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * f, rows[i], 0, f);
        }
        return rows;
    }

    private static float[] toFloats(List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }
}
