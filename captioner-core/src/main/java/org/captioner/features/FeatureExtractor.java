package org.captioner.features;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.captioner.data.CaptionedImage;
import org.captioner.encoder.ImageEncoder;
import org.captioner.image.ImageDecodeException;
import org.captioner.image.ImageDecoder;
import org.captioner.progress.Progress;

/**
 * Fills a {@link FeatureStore} for a list of images: skips those already stored, decodes the next
 * batch on worker threads while the encoder runs the current one, and records undecodable images
 * as failed instead of stopping.
 */
public final class FeatureExtractor {

    /** What one extraction run did. */
    public record Report(int encoded, int alreadyStored, List<String> failed, double seconds) {
        public double imagesPerSecond() {
            return seconds > 0 ? encoded / seconds : 0;
        }
    }

    private final ImageEncoder encoder;
    private final ImageDecoder decoder;
    private final int batchSize;

    public FeatureExtractor(ImageEncoder encoder, ImageDecoder decoder, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1");
        }
        this.encoder = encoder;
        this.decoder = decoder;
        this.batchSize = batchSize;
    }

    private record Decoded(CaptionedImage image, BufferedImage pixels, String error) {}

    public Report extract(List<CaptionedImage> images, FeatureStore store, Progress progress) throws IOException {
        List<CaptionedImage> todo = new ArrayList<>();
        for (CaptionedImage image : images) {
            if (!store.contains(image.id())) {
                todo.add(image);
            }
        }
        int already = images.size() - todo.size();
        List<String> failed = new ArrayList<>();
        progress.start("features", images.size(), already);
        long begin = System.nanoTime();
        int encoded = 0;
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "image-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            List<List<CaptionedImage>> batches = new ArrayList<>();
            for (int i = 0; i < todo.size(); i += batchSize) {
                batches.add(todo.subList(i, Math.min(todo.size(), i + batchSize)));
            }
            CompletableFuture<List<Decoded>> next = batches.isEmpty() ? null : decodeAsync(batches.get(0), pool);
            for (int b = 0; b < batches.size(); b++) {
                List<Decoded> decoded = next.join();
                next = b + 1 < batches.size() ? decodeAsync(batches.get(b + 1), pool) : null;
                List<BufferedImage> pixels = new ArrayList<>();
                List<CaptionedImage> ok = new ArrayList<>();
                for (Decoded d : decoded) {
                    if (d.error() != null) {
                        failed.add(d.image().id() + ": " + d.error());
                        store.markFailed(d.image().id(), d.error());
                    } else {
                        pixels.add(d.pixels());
                        ok.add(d.image());
                    }
                }
                float[][] vectors = encoder.encode(pixels);
                for (int i = 0; i < ok.size(); i++) {
                    store.put(ok.get(i).id(), vectors[i]);
                }
                encoded += ok.size();
                progress.advance(decoded.size(), failed.isEmpty() ? "" : failed.size() + " failed");
            }
        } finally {
            pool.shutdownNow();
            progress.finish();
        }
        return new Report(encoded, already, failed, (System.nanoTime() - begin) / 1e9);
    }

    private CompletableFuture<List<Decoded>> decodeAsync(List<CaptionedImage> batch, ExecutorService pool) {
        List<CompletableFuture<Decoded>> parts = new ArrayList<>();
        for (CaptionedImage image : batch) {
            parts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return new Decoded(image, decoder.decode(image.image()), null);
                } catch (ImageDecodeException e) {
                    return new Decoded(image, null, e.getMessage());
                }
            }, pool));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0]))
                .thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
    }
}
