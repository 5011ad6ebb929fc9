package dev.hyperlab.core.backup;

import java.util.SplittableRandom;

/**
 * FastCDC content-defined chunking with normalised chunking (Xia et al., "FastCDC", USENIX ATC 2016, and the 2020
 * TPDS version): a gear rolling hash {@code fp = (fp << 1) + GEAR[byte]} is tested against a mask with more bits
 * (harder to match) before the average size and one with fewer bits after it, which pulls chunk sizes towards the
 * average; the first {@link #MIN} bytes of a chunk are skipped without hashing, since no cut may fall there.
 *
 * <p>Sizes for VM images: minimum 64 KiB, average 256 KiB, maximum 1 MiB. Guests write in 4 KiB blocks, scattered
 * (a day's changes are thousands of small writes, not a few files), so one changed block costs a whole chunk: at
 * restic's 1 MiB average, day 2's 256 writes of 64 KiB rewrite some 300 MiB of chunks; at 256 KiB about a quarter of
 * that. Smaller averages dedup still better but cost index memory (a 1 TiB disk at 256 KiB is 4 M chunks, 48 bytes
 * each in a map) and compression ratio (zstd frames shorter than its 256 KiB+ window lose context). 1 MiB maximum
 * equals the pipeline's buffer size; 64 KiB minimum is the qcow2 cluster size, below which chunks only add overhead.
 *
 * <p>The masks use the high bits of the 64-bit fingerprint, which depend on the last 64 bytes; the low bits depend
 * only on the last few bytes. The gear table comes from a fixed seed, so chunk boundaries, and hence blob ids, are the
 * same in every run and every repository.
 */
final class FastCdc {
    static final int MIN = 64 * 1024;
    static final int AVG = 256 * 1024;
    static final int MAX = 1024 * 1024;
    /** log2(AVG) + 2 bits before the average: normalisation level 2, as the paper recommends. */
    private static final long MASK_SMALL = -1L << (64 - 20);
    /** log2(AVG) - 2 bits after it. */
    private static final long MASK_LARGE = -1L << (64 - 16);
    private static final long[] GEAR = new long[256];

    static {
        SplittableRandom r = new SplittableRandom(0x6879706572_6c6162L); // "hyperlab"
        for (int i = 0; i < GEAR.length; i++) {
            GEAR[i] = r.nextLong();
        }
    }

    private FastCdc() {}

    /** Length of the chunk starting at {@code buf[off]}, given {@code len} bytes available (the chunk ends there at the latest). */
    static int cut(byte[] buf, int off, int len) {
        if (len <= MIN) {
            return len;
        }
        int n = Math.min(len, MAX);
        int normal = Math.min(n, AVG);
        long fp = 0;
        int i = MIN;
        for (; i < normal; i++) {
            fp = (fp << 1) + GEAR[buf[off + i] & 0xff];
            if ((fp & MASK_SMALL) == 0) {
                return i + 1;
            }
        }
        for (; i < n; i++) {
            fp = (fp << 1) + GEAR[buf[off + i] & 0xff];
            if ((fp & MASK_LARGE) == 0) {
                return i + 1;
            }
        }
        return n;
    }
}
