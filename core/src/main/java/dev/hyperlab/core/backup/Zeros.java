package dev.hyperlab.core.backup;

import java.util.Arrays;

/** Recognising zeros, which backups store as holes: vectorised comparison against a shared block of zeros. */
final class Zeros {
    private static final byte[] ZERO = new byte[64 * 1024];

    /** Guest file-system block size: the unit in which zeros become holes. */
    static final int BLOCK = 4096;

    private Zeros() {}

    /** End (relative to {@code at}) of the block containing byte {@code at + i}, at most {@code len}. */
    static int blockEnd(long at, int i, int len) {
        return (int) Math.min(len, i + (BLOCK - (at + i) % BLOCK));
    }

    /** Whether {@code b[off, off + len)} is all zeros. */
    static boolean isZero(byte[] b, int off, int len) {
        for (int k = off; k < off + len; k += ZERO.length) {
            int n = Math.min(ZERO.length, off + len - k);
            if (Arrays.mismatch(b, k, k + n, ZERO, 0, n) >= 0) {
                return false;
            }
        }
        return true;
    }
}
