package org.captioner.encoder;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * libtorch's own message threshold ({@code FLAGS_caffe2_log_level} in libc10), applied the way
 * PyTorch's Python module applies {@code TORCH_CPP_LOG_LEVEL} at start-up.
 *
 * <p>Why: libtorch only reads {@code TORCH_CPP_LOG_LEVEL} in {@code c10::initLogging()}, which
 * Python calls and DJL does not, so the variable has no effect under DJL. On CPUs where NNPACK
 * cannot initialise (this AMD EPYC among them) every small batch-1 convolution then logs
 * "Could not initialize NNPACK! Reason: Unsupported hardware." at WARNING: dozens of lines before
 * the first caption. Neither that switch nor NNPACK's on/off flag is reachable through DJL's JNI,
 * so this class sets the flag itself: it finds the variable's address from libc10's ELF symbol
 * table and the library's load address, checks that it holds a log level, and writes the new one
 * through {@code /proc/self/mem}. Default ERROR: errors and fatal messages stay visible.
 * Linux only; anywhere else, or if anything does not look as expected, it changes nothing.
 */
public final class TorchLogLevel {

    private static final String SYMBOL = "FLAGS_caffe2_log_level";
    private static final int SHT_DYNSYM = 11;
    private static final int PT_LOAD = 1;
    private static volatile boolean applied;

    private TorchLogLevel() {}

    /**
     * Applies {@code TORCH_CPP_LOG_LEVEL} (INFO, WARNING, ERROR, FATAL or 0–3), ERROR when unset,
     * once per process. Starts the PyTorch engine if it is not running yet.
     */
    public static synchronized void applyFromEnvironment() {
        if (applied) {
            return;
        }
        applied = true;
        String env = System.getenv("TORCH_CPP_LOG_LEVEL");
        int level = parse(env == null || env.isBlank() ? "ERROR" : env);
        if (level < 0) {
            System.err.println("warning: TORCH_CPP_LOG_LEVEL=" + env
                    + " is not one of INFO, WARNING, ERROR, FATAL or 0-3; libtorch's log level left as it is");
            return;
        }
        if (!set(level) && Boolean.getBoolean("captioner.debug")) {
            System.err.println("debug: libtorch's log level could not be set here (no /proc/self/mem access or no"
                    + " libc10 symbol table); its warnings, e.g. NNPACK's, will show");
        }
    }

    /** The level for a name or digit, or -1. */
    static int parse(String value) {
        return switch (value.strip().toUpperCase(Locale.ROOT)) {
            case "0", "INFO" -> 0;
            case "1", "WARNING" -> 1;
            case "2", "ERROR" -> 2;
            case "3", "FATAL" -> 3;
            default -> -1;
        };
    }

    /** Sets libtorch's log level; false (and nothing changed) where it cannot be found safely. */
    static boolean set(int level) {
        Engine.getEngine("PyTorch");
        try {
            long address = address();
            if (address == 0) {
                return false;
            }
            try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "rw")) {
                int current = readInt(mem, address);
                if (current < 0 || current > 3) {
                    return false; // not a log level: do not touch memory we do not understand
                }
                ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, level);
                mem.getChannel().write(b, address);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** libtorch's current log level, if it can be read. */
    static OptionalInt current() {
        Engine.getEngine("PyTorch");
        try {
            long address = address();
            if (address == 0) {
                return OptionalInt.empty();
            }
            try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "r")) {
                return OptionalInt.of(readInt(mem, address));
            }
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static int readInt(RandomAccessFile mem, long address) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        mem.getChannel().read(b, address);
        return b.getInt(0);
    }

    /** The run-time address of the flag, or 0 when libc10 is not mapped or has no such symbol. */
    private static long address() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return 0;
        }
        Path library = null;
        long mappedAt = -1;
        for (String line : Files.readAllLines(maps, StandardCharsets.US_ASCII)) {
            String[] f = line.trim().split("\\s+", 6);
            // The loader's private mappings only: a shared one is someone reading the file.
            if (f.length == 6 && f[5].endsWith("/libc10.so") && f[1].endsWith("p") && Long.parseLong(f[2], 16) == 0) {
                long start = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
                if (library == null || start < mappedAt) {
                    library = Path.of(f[5]);
                    mappedAt = start;
                }
            }
        }
        if (library == null) {
            return 0;
        }
        ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(library)).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.getInt(0) != 0x464c457f || elf.get(4) != 2 || elf.get(5) != 1) {
            return 0; // not a little-endian 64-bit ELF file
        }
        long firstLoad = firstLoadAddress(elf);
        long value = symbolValue(elf, SYMBOL);
        return firstLoad < 0 || value <= 0 ? 0 : mappedAt - firstLoad + value;
    }

    /** The page-aligned virtual address of the loadable segment that starts at file offset 0. */
    private static long firstLoadAddress(ByteBuffer elf) {
        long phoff = elf.getLong(0x20);
        int phentsize = Short.toUnsignedInt(elf.getShort(0x36));
        int phnum = Short.toUnsignedInt(elf.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            if (elf.getInt(at) == PT_LOAD && elf.getLong(at + 8) == 0) {
                return elf.getLong(at + 16) & ~0xFFFL;
            }
        }
        return -1;
    }

    /** {@code st_value} of a defined dynamic symbol, or 0. */
    private static long symbolValue(ByteBuffer elf, String name) {
        long shoff = elf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(elf.getShort(0x3A));
        int shnum = Short.toUnsignedInt(elf.getShort(0x3C));
        byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * shentsize);
            if (elf.getInt(sh + 4) != SHT_DYNSYM) {
                continue;
            }
            long symOffset = elf.getLong(sh + 24);
            long symSize = elf.getLong(sh + 32);
            long entSize = elf.getLong(sh + 56);
            int strSection = (int) (shoff + (long) elf.getInt(sh + 40) * shentsize);
            long strOffset = elf.getLong(strSection + 24);
            for (long s = symOffset; s + entSize <= symOffset + symSize; s += entSize) {
                int nameAt = (int) (strOffset + Integer.toUnsignedLong(elf.getInt((int) s)));
                if (elf.getShort((int) s + 6) != 0 && namesEqual(elf, nameAt, wanted)) {
                    return elf.getLong((int) s + 8);
                }
            }
        }
        return 0;
    }

    private static boolean namesEqual(ByteBuffer elf, int at, byte[] wanted) {
        for (int k = 0; k < wanted.length; k++) {
            if (elf.get(at + k) != wanted[k]) {
                return false;
            }
        }
        return elf.get(at + wanted.length) == 0;
    }
}
