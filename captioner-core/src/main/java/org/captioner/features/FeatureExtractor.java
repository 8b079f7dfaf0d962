package org.captioner.features;

import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.captioner.data.CaptionedImage;
import org.captioner.encoder.ImageEncoder;
import org.captioner.image.PhotoReader;
import org.captioner.image.ReadAhead;
import org.captioner.progress.Progress;

/**
 * Fills a {@link FeatureStore} for a list of images: skips those already stored, reads images ahead on
 * worker threads ({@link ReadAhead}) while the encoder runs, and records unreadable images as
 * failed instead of stopping.
 */
public final class FeatureExtractor {

    /** What one extraction run did. */
    public record Report(int encoded, int alreadyStored, List<String> failed, double seconds) {
        public double imagesPerSecond() {
            return seconds > 0 ? encoded / seconds : 0;
        }
    }

    private final ImageEncoder encoder;
    private final PhotoReader reader;
    private final int batchSize;
    private final boolean flips;

    public FeatureExtractor(ImageEncoder encoder, PhotoReader reader, int batchSize) {
        this(encoder, reader, batchSize, false);
    }

    /**
     * @param flips also store each image's horizontal mirror image (under {@link FeatureStore#flippedId}),
     *     so that training can draw either: a caption says the same of a photo and its mirror image
     */
    public FeatureExtractor(ImageEncoder encoder, PhotoReader reader, int batchSize, boolean flips) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1");
        }
        this.encoder = encoder;
        this.reader = reader;
        this.batchSize = batchSize;
        this.flips = flips;
    }

    /**
     * Encodes every image {@code store} lacks, in the store's layout: pooled vectors, or the
     * encoder's whole grid for a grid store.
     */
    public Report extract(List<CaptionedImage> images, FeatureStore store, Progress progress) throws IOException {
        boolean grid = store.layout().regions() > 1;
        List<CaptionedImage> todo = new ArrayList<>();
        for (CaptionedImage image : images) {
            if (!store.contains(image.id()) || (flips && !store.contains(FeatureStore.flippedId(image.id())))) {
                todo.add(image);
            }
        }
        int already = images.size() - todo.size();
        List<String> failed = new ArrayList<>();
        progress.start("features", images.size(), already);
        long begin = System.nanoTime();
        int encoded = 0;
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "image-read");
            t.setDaemon(true);
            return t;
        });
        try {
            // One batch is read on the workers while the encoder runs the previous one.
            ReadAhead<CaptionedImage> batches = new ReadAhead<>(todo.iterator(), batchSize, 2,
                    image -> reader.read(image.image()), pool);
            while (batches.hasNext()) {
                List<ReadAhead.Read<CaptionedImage>> batch = batches.next();
                List<BufferedImage> pixels = new ArrayList<>();
                List<CaptionedImage> ok = new ArrayList<>();
                for (ReadAhead.Read<CaptionedImage> d : batch) {
                    if (d.error() != null) {
                        failed.add(d.item().id() + ": " + d.error().getMessage());
                        store.markFailed(d.item().id(), d.error().getMessage());
                    } else {
                        pixels.add(d.image());
                        ok.add(d.item());
                    }
                }
                float[][] vectors = grid ? encoder.encodeGrid(pixels) : encoder.encode(pixels);
                for (int i = 0; i < ok.size(); i++) {
                    store.put(ok.get(i).id(), vectors[i]);
                }
                if (flips) {
                    List<BufferedImage> mirrored = pixels.stream().map(FeatureExtractor::mirrored).toList();
                    float[][] flipped = grid ? encoder.encodeGrid(mirrored) : encoder.encode(mirrored);
                    for (int i = 0; i < ok.size(); i++) {
                        store.put(FeatureStore.flippedId(ok.get(i).id()), flipped[i]);
                    }
                }
                encoded += ok.size();
                progress.advance(batch.size(), failed.isEmpty() ? "" : failed.size() + " failed");
            }
        } finally {
            pool.shutdownNow();
            progress.finish();
        }
        return new Report(encoded, already, failed, (System.nanoTime() - begin) / 1e9);
    }

    /** The image mirrored left to right, pixel for pixel. */
    static BufferedImage mirrored(BufferedImage image) {
        AffineTransform flip = AffineTransform.getScaleInstance(-1, 1);
        flip.translate(-image.getWidth(), 0);
        return new AffineTransformOp(flip, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(image, null);
    }
}
