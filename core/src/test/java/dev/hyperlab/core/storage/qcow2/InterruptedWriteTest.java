package dev.hyperlab.core.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupt that reaches a thread writing an image (a Ctrl-C landing while the lab is saved) closes the file's
 * channel under it. Before, that write failed with "null" (ClosedByInterruptException) and so did every later write of
 * the lab, until the shell was restarted; now the write is made again on a fresh channel and the interrupt is kept.
 */
class InterruptedWriteTest {
    @TempDir
    Path dir;

    @Test
    void aWriteOnAnInterruptedThreadIsMadeAndTheImageStaysWritable() throws Exception {
        Path p = dir.resolve("img.qcow2");
        byte[] first = new byte[65536];
        Arrays.fill(first, (byte) 7);
        byte[] second = new byte[65536];
        Arrays.fill(second, (byte) 9);
        try (Qcow2Image img = Qcow2Image.create(p, Qcow2CreateOptions.ofSize(64L << 20))) {
            Thread.currentThread().interrupt();
            img.write(0, ByteBuffer.wrap(first));
            img.flush();
            assertThat(Thread.interrupted()).as("the interrupt is kept for whoever sent it").isTrue();
            img.write(1 << 20, ByteBuffer.wrap(second));
        }
        try (Qcow2Image img = Qcow2Image.open(p, true, List.of())) {
            ByteBuffer a = ByteBuffer.allocate(first.length);
            img.read(0, a);
            ByteBuffer b = ByteBuffer.allocate(second.length);
            img.read(1 << 20, b);
            assertThat(a.array()).isEqualTo(first);
            assertThat(b.array()).isEqualTo(second);
        }
    }
}
