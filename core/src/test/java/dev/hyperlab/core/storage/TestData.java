package dev.hyperlab.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Deterministic disk contents for tests: random runs, text, zero runs and holes, from a seed. */
public final class TestData {
    private TestData() {}

    /** {@code size} bytes of mixed content: every 64 KiB block is random, text, zeros or a repeated byte. */
    public static byte[] mixed(long seed, int size) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = new byte[size];
        for (int at = 0; at < size; at += 65536) {
            int n = Math.min(65536, size - at);
            switch (r.nextInt(4)) {
                case 0 -> { byte[] x = new byte[n]; r.nextBytes(x); System.arraycopy(x, 0, b, at, n); }
                case 1 -> {
                    byte[] t = ("line " + r.nextInt(1000) + " of a log file, status ok\n").repeat(4000).getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(t, 0, b, at, n);
                }
                case 2 -> { }
                default -> java.util.Arrays.fill(b, at, at + n / 2, (byte) r.nextInt(256));
            }
        }
        return b;
    }

    public static Path writeRaw(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        return file;
    }

    public static byte[] readAll(DiskImage img) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(img.virtualSize()));
        img.read(0, b);
        return b.array();
    }
}
