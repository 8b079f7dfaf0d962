package org.captioner.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

    @Test
    void batchesKeepInputOrderAndFailuresStayWithTheirItem() {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            ReadAhead<Integer> batches = new ReadAhead<>(IntStream.range(0, 10).boxed().iterator(), 4, 2, i -> {
                if (i == 3) {
                    throw new ImageReadException(ImageReadException.Kind.NOT_AN_IMAGE, "not an image");
                }
                if (i == 7) {
                    throw new IllegalStateException("decoder bug");
                }
                return new BufferedImage(1 + i, 1, BufferedImage.TYPE_3BYTE_BGR);
            }, pool);
            List<Integer> sizes = new ArrayList<>();
            List<Integer> order = new ArrayList<>();
            while (batches.hasNext()) {
                List<ReadAhead.Read<Integer>> batch = batches.next();
                sizes.add(batch.size());
                for (ReadAhead.Read<Integer> d : batch) {
                    order.add(d.item());
                    if (d.item() == 3 || d.item() == 7) {
                        assertNull(d.image());
                        assertNotNull(d.error());
                    } else {
                        assertEquals(1 + d.item(), d.image().getWidth());
                    }
                }
            }
            assertEquals(List.of(4, 4, 2), sizes);
            assertEquals(IntStream.range(0, 10).boxed().toList(), order);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aCodecCrashFailsOnlyThatItem() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            ReadAhead<String> one = new ReadAhead<>(List.of("x").iterator(), 1, 1, s -> {
                throw new ArrayIndexOutOfBoundsException(5);
            }, pool);
            ImageReadException e = one.next().get(0).error();
            assertEquals(ImageReadException.Kind.CORRUPT, e.kind());
            assertTrue(e.getMessage().startsWith("cannot read"), e.getMessage());
        } finally {
            pool.shutdown();
        }
    }
}
