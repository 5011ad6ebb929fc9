package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The level a blob is compressed at: by its probe for blobs of 1 MiB and more, the repository's below. */
class BlobCodecTest {
    private static byte[] random(int len, long seed) {
        byte[] b = new byte[len];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] text(int len) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; s.length() < len; i++) {
            s.append("line ").append(i).append(": the quick brown fox jumps over the lazy dog ").append(i % 97)
                    .append('\n');
        }
        return Arrays.copyOf(s.toString().getBytes(StandardCharsets.US_ASCII), len);
    }

    private static byte[] scratch(int len) {
        return new byte[BlobCodec.maxStored(len)];
    }

    @Test
    void fileChunksAndLevelOneRepositoriesAreNotProbed() {
        // a file's chunks (64 KiB to 1 MiB) go at the repository's level even when incompressible: a one-sample probe
        // of each cost more CPU than level 1 saved on /usr/share's compressed files (docs/performance.md, issue 18)
        try (BlobCodec codec = new BlobCodec(RepositoryCipher.plain(), 3)) {
            for (int len : new int[] {64 * 1024, 256 * 1024, BlobCodec.ADAPTIVE_MIN - 1}) {
                assertThat(codec.choice(random(len, len), 0, len, scratch(len))).as("%d bytes", len).isZero();
            }
        }
        int len = BlobCodec.ADAPTIVE_MIN;
        try (BlobCodec codec = new BlobCodec(RepositoryCipher.plain(), 1)) {
            assertThat(codec.choice(random(len, 2), 0, len, scratch(len))).isZero();
        }
    }

    @Test
    void largeBlobsGetALevelByTheirProbe() {
        try (BlobCodec codec = new BlobCodec(RepositoryCipher.plain(), 3)) {
            int len = BlobCodec.ADAPTIVE_MIN;
            assertThat(codec.choice(random(len, 3), 0, len, scratch(len))).isEqualTo(2);
            assertThat(codec.levelOf(2)).isEqualTo(1);
            assertThat(codec.choice(text(len), 0, len, scratch(len))).isZero();
        }
    }

    @Test
    void theSameChunkIsEncodedToTheSameBytes() {
        int len = BlobCodec.ADAPTIVE_MIN + 4096;
        byte[] raw = text(len);
        byte[][] out = new byte[2][];
        for (int run = 0; run < 2; run++) {
            try (BlobCodec codec = new BlobCodec(RepositoryCipher.plain(), 3)) {
                ObjectId id = codec.hash(raw, 0, len);
                BlobCodec.Encoded e = codec.encode(BlobType.DATA, id, raw);
                out[run] = Arrays.copyOf(e.buf(), e.length());
            }
        }
        assertThat(out[1]).isEqualTo(out[0]);
    }
}
