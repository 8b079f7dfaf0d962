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
 * Batches of images read (decoded from their bytes) on worker threads ahead of their consumer, so
 * reading overlaps with model work while at most {@code lookahead} batches are held in memory. Batches come in input
 * order; each item is its image or the reason it could not be read, never an exception.
 *
 * @param <T> what an item is (a dataset image, a file, an upload)
 */
public final class ReadAhead<T> implements Iterator<List<ReadAhead.Read<T>>> {

    /** One item: its image, or the error that stopped it (exactly one is non-null). */
    public record Read<T>(T item, BufferedImage image, ImageReadException error) {}

    /** How to read one item. */
    public interface Reading<T> {
        BufferedImage read(T item) throws ImageReadException;
    }

    private final Iterator<T> items;
    private final int batchSize;
    private final int lookahead;
    private final Reading<T> reading;
    private final Executor pool;
    private final Deque<List<CompletableFuture<Read<T>>>> pending = new ArrayDeque<>();

    /**
     * @param lookahead batches being read at once, counting the one handed out next (2: one batch is
     *     read while the consumer works on the previous)
     */
    public ReadAhead(Iterator<T> items, int batchSize, int lookahead, Reading<T> reading, Executor pool) {
        if (batchSize < 1 || lookahead < 1) {
            throw new IllegalArgumentException("batch size and lookahead must be at least 1");
        }
        this.items = items;
        this.batchSize = batchSize;
        this.lookahead = lookahead;
        this.reading = reading;
        this.pool = pool;
    }

    @Override
    public boolean hasNext() {
        fill();
        return !pending.isEmpty();
    }

    /** The next batch, waiting for its reading to finish. */
    @Override
    public List<Read<T>> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll().stream().map(CompletableFuture::join).toList();
    }

    private void fill() {
        while (pending.size() < lookahead && items.hasNext()) {
            List<CompletableFuture<Read<T>>> batch = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && items.hasNext()) {
                T item = items.next();
                batch.add(CompletableFuture.supplyAsync(() -> read(item), pool));
            }
            pending.add(batch);
        }
    }

    private Read<T> read(T item) {
        try {
            return new Read<>(item, reading.read(item), null);
        } catch (ImageReadException e) {
            return new Read<>(item, null, e);
        } catch (RuntimeException | OutOfMemoryError e) {
            // An image codec bug on one odd file fails that file, not the whole run.
            return new Read<>(item, null,
                    new ImageReadException(ImageReadException.Kind.CORRUPT, "cannot read: " + e));
        }
    }
}
