package org.captioner.image;

import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Batches of images decoded on worker threads ahead of their consumer, so decoding overlaps with
 * model work while at most {@code lookahead} batches are held in memory. Batches come in input
 * order; each item is its image or the reason it could not be decoded, never an exception.
 *
 * @param <T> what an item is (a dataset image, a file, an upload)
 */
public final class DecodeAhead<T> implements Iterator<List<DecodeAhead.Decoded<T>>> {

    /** One item: its image, or the error that stopped it (exactly one is non-null). */
    public record Decoded<T>(T item, BufferedImage image, ImageDecodeException error) {}

    /** How to decode one item. */
    public interface Decoding<T> {
        BufferedImage decode(T item) throws ImageDecodeException;
    }

    private final Iterator<T> items;
    private final int batchSize;
    private final int lookahead;
    private final Decoding<T> decoding;
    private final Executor pool;
    private final Deque<List<CompletableFuture<Decoded<T>>>> pending = new ArrayDeque<>();

    /**
     * @param lookahead batches decoding at once, counting the one handed out next (2: one batch is
     *     decoded while the consumer works on the previous)
     */
    public DecodeAhead(Iterator<T> items, int batchSize, int lookahead, Decoding<T> decoding, Executor pool) {
        if (batchSize < 1 || lookahead < 1) {
            throw new IllegalArgumentException("batch size and lookahead must be at least 1");
        }
        this.items = items;
        this.batchSize = batchSize;
        this.lookahead = lookahead;
        this.decoding = decoding;
        this.pool = pool;
    }

    @Override
    public boolean hasNext() {
        fill();
        return !pending.isEmpty();
    }

    /** The next batch, waiting for its decoding to finish. */
    @Override
    public List<Decoded<T>> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll().stream().map(CompletableFuture::join).toList();
    }

    private void fill() {
        while (pending.size() < lookahead && items.hasNext()) {
            List<CompletableFuture<Decoded<T>>> batch = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && items.hasNext()) {
                T item = items.next();
                batch.add(CompletableFuture.supplyAsync(() -> decode(item), pool));
            }
            pending.add(batch);
        }
    }

    private Decoded<T> decode(T item) {
        try {
            return new Decoded<>(item, decoding.decode(item), null);
        } catch (ImageDecodeException e) {
            return new Decoded<>(item, null, e);
        } catch (RuntimeException | OutOfMemoryError e) {
            // A decoder bug on one odd file fails that file, not the whole run.
            return new Decoded<>(item, null,
                    new ImageDecodeException(ImageDecodeException.Kind.CORRUPT, "cannot decode: " + e));
        }
    }
}
