package dev.hyperlab.core.storage.raw;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupt (Ctrl-C reaching a thread that writes the lab) closes a FileChannel under the image. A raw image then
 * failed every later read and write with ClosedChannelException until the shell restarted; now the call is made
 * again on a fresh channel and the interrupt is kept, as qcow2 images do.
 */
class RawInterruptedWriteTest {
    @TempDir
    Path dir;

    @Test
    void aWriteOnAnInterruptedThreadIsMadeAndTheImageStaysUsable() throws Exception {
        Path p = dir.resolve("img.raw");
        byte[] first = new byte[65536];
        Arrays.fill(first, (byte) 7);
        byte[] second = new byte[65536];
        Arrays.fill(second, (byte) 9);
        try (RawImage img = RawImage.create(p, 64L << 20)) {
            Thread.currentThread().interrupt();
            img.write(0, ByteBuffer.wrap(first));
            img.flush();
            assertThat(Thread.interrupted()).as("the interrupt is kept for whoever sent it").isTrue();
            img.write(1 << 20, ByteBuffer.wrap(second));
            img.resize(128L << 20);
        }
        try (RawImage img = RawImage.open(p, true)) {
            assertThat(img.virtualSize()).isEqualTo(128L << 20);
            Thread.currentThread().interrupt();
            ByteBuffer a = ByteBuffer.allocate(first.length);
            img.read(0, a);
            assertThat(Thread.interrupted()).isTrue();
            ByteBuffer b = ByteBuffer.allocate(second.length);
            img.read(1 << 20, b);
            assertThat(a.array()).isEqualTo(first);
            assertThat(b.array()).isEqualTo(second);
        }
    }
}
