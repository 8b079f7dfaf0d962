package org.captioner.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Float16Test {

    @Test
    void knownValues() {
        assertEquals(0x3c00, Float16.fromFloat(1f) & 0xffff);
        assertEquals(0xc000, Float16.fromFloat(-2f) & 0xffff);
        assertEquals(0x7bff, Float16.fromFloat(65504f) & 0xffff);
        assertEquals(0x7c00, Float16.fromFloat(1e6f) & 0xffff, "overflow is infinity");
        assertEquals(0x2e66, Float16.fromFloat(0.1f) & 0xffff);
        assertEquals(0x0001, Float16.fromFloat(6e-8f) & 0xffff, "the smallest subnormal");
        assertEquals(0, Float16.fromFloat(1e-9f), "underflow is zero");
        assertEquals(0x0400, Float16.fromFloat(0x1p-14f) & 0xffff, "the smallest normal");
        assertEquals(1f, Float16.toFloat((short) 0x3c00));
        assertEquals(0x1p-24f, Float16.toFloat((short) 1));
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
    }

    @Test
    void agreesWithPyTorchsConversionBitForBit() {
        Random random = new Random(7);
        float[] values = new float[20_000];
        for (int i = 0; i < values.length; i++) {
            // Feature-like magnitudes, subnormals and large values included.
            values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(12) - 8));
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray half = m.create(values).toType(DataType.FLOAT16, false);
            ByteBuffer bytes = ByteBuffer.wrap(half.toByteArray()).order(ByteOrder.nativeOrder());
            for (float v : values) {
                short expected = bytes.getShort();
                assertEquals(expected, Float16.fromFloat(v), "value " + v);
                assertEquals(Float16.toFloat(expected), Float16.toFloat(Float16.fromFloat(v)));
            }
        }
    }
}
