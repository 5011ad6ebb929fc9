package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.storage.TestData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cuts where files begin and end: no chunk runs across one, and the bytes between cuts are still cut by content. */
class ContentChunkerCutsTest {
    private static final int SIZE = 8 << 20;
    private final byte[] data = nonZero(TestData.mixed(11, SIZE));

    @Test
    void noChunkRunsAcrossACut() throws IOException {
        long[] cuts = {4096, 12288, 12289, 3 << 20, (3 << 20) + 5 * 4096, SIZE - 4096};
        List<long[]> chunks = chunks(cuts);
        long covered = 0;
        for (long[] c : chunks) {
            assertThat(c[0]).isEqualTo(covered); // nothing lost, nothing twice
            covered += c[1];
            for (long cut : cuts) {
                assertThat(cut > c[0] && cut < c[0] + c[1]).as("chunk %d+%d runs across %d", c[0], c[1], cut).isFalse();
            }
        }
        assertThat(covered).isEqualTo(SIZE);
    }

    @Test
    void betweenCutsTheContentDecides() throws IOException {
        // a cut far from everything changes only the chunk it falls in: the chunks after the next content cut agree
        List<long[]> plain = chunks(new long[0]);
        List<long[]> cut = chunks(new long[] {SIZE / 2 + 777});
        assertThat(plain.getFirst()).containsExactly(cut.getFirst());
        assertThat(plain.getLast()).containsExactly(cut.getLast());
        assertThat(cut).anySatisfy(c -> assertThat(c[0]).isEqualTo(SIZE / 2 + 777));
        assertThat(plain).noneSatisfy(c -> assertThat(c[0]).isEqualTo(SIZE / 2 + 777));
    }

    private List<long[]> chunks(long[] cuts) throws IOException {
        List<long[]> out = new ArrayList<>();
        ContentChunker.chunk((offset, b, off, len) -> {
            System.arraycopy(data, (int) offset, b, off, len);
            return len;
        }, 0, SIZE, new byte[ContentChunker.BUFFER], cuts, (offset, b, off, len) -> out.add(new long[] {offset, len}));
        return out;
    }

    /** No all-zero block, so that every byte is in a chunk. */
    private static byte[] nonZero(byte[] b) {
        for (int i = 0; i < b.length; i += 512) b[i] |= 1;
        return b;
    }
}
