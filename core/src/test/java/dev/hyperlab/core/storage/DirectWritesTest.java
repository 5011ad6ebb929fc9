package dev.hyperlab.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data writes past the page cache ({@code O_DIRECT}, issue 15's synced conversion): aligned writes from direct buffers
 * take that path, anything else the page cache, and the file reads back the same either way, mixed in one file.
 */
class DirectWritesTest {
    @TempDir Path dir;

    @Test
    void alignedAndUnalignedWritesMixInOneFileAndReadBackAsWritten() throws Exception {
        Path f = dir.resolve("f.bin");
        Files.createFile(f);
        byte[] expected = new byte[64 * 1024];
        try (ReopeningChannel ch = ReopeningChannel.open(f, true)) {
            ch.setLength(expected.length);
            boolean direct = ch.useDirectWrites();
            ByteBuffer aligned = ByteBuffer.allocateDirect(3 * 8192).alignedSlice(8192);
            for (int i = 0; i < 8192; i++) aligned.put(i, (byte) (i * 7 + 1));
            // aligned everything: O_DIRECT where the file system takes it
            write(ch, aligned.slice(0, 8192), 8192, expected);
            // the same bytes from a heap buffer, an odd position and an odd length: the page cache
            ByteBuffer heap = ByteBuffer.allocate(1000);
            for (int i = 0; i < 1000; i++) heap.put(i, (byte) (i + 3));
            write(ch, heap, 8192 + 100, expected); // overlaps the direct write's first block
            write(ch, aligned.slice(512, 4096), 32768, expected); // a misaligned buffer address
            write(ch, aligned.slice(0, 4096), 40960, expected);   // direct again after the page cache
            assertThat(ch.directWrites()).isEqualTo(direct);
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(expected);
    }

    @Test
    void aReadOnlyChannelNeverWritesDirect() throws Exception {
        Path f = dir.resolve("r.bin");
        Files.write(f, new byte[4096]);
        try (ReopeningChannel ch = ReopeningChannel.open(f, false)) {
            assertThat(ch.useDirectWrites()).isFalse();
            assertThat(ch.directWrites()).isFalse();
        }
    }

    private static void write(ReopeningChannel ch, ByteBuffer src, long at, byte[] expected) throws Exception {
        byte[] copy = new byte[src.remaining()];
        src.duplicate().get(copy);
        System.arraycopy(copy, 0, expected, (int) at, copy.length);
        long pos = at;
        while (src.hasRemaining()) pos += ch.writeData(src, pos);
        assertThat(Arrays.copyOfRange(expected, (int) at, (int) at + copy.length)).isEqualTo(copy);
    }
}
