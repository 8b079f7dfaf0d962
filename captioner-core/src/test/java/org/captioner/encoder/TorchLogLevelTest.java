package org.captioner.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TorchLogLevelTest {

    @Test
    void namesAndDigitsParseAsLibtorchDoes() {
        assertEquals(0, TorchLogLevel.parse("info"));
        assertEquals(1, TorchLogLevel.parse("WARNING"));
        assertEquals(2, TorchLogLevel.parse(" 2 "));
        assertEquals(3, TorchLogLevel.parse("FATAL"));
        assertEquals(-1, TorchLogLevel.parse("loud"));
    }

    @Test
    void setsAndReadsBackLibtorchsLevelOnLinux() {
        OptionalInt before = TorchLogLevel.current();
        assertTrue(before.isPresent(), "libc10's FLAGS_caffe2_log_level was not found in this process");
        try {
            assertTrue(TorchLogLevel.set(3));
            assertEquals(3, TorchLogLevel.current().getAsInt());
            assertTrue(TorchLogLevel.set(1));
            assertEquals(1, TorchLogLevel.current().getAsInt());
        } finally {
            TorchLogLevel.set(before.getAsInt());
        }
    }
}
