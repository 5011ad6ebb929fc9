package dev.hyperlab.core.storage.qcow2;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Mutations that know where a qcow2 image keeps its structures: they follow the header to the L1 table, its L2
 * tables, the refcount table and blocks, the snapshot table and the bitmap directory, and set one field there to a
 * hostile value (sizes and offsets at the edges of the file and of 32 and 64 bits, compressed descriptors, single
 * flipped bits). Random bytes rarely get past the first check a reader makes; these reach the later ones (they found
 * the all-ones L2 entry and the bitmap directory defects of issue 13).
 */
final class StructuredMutations {
    private StructuredMutations() {}

    /** Applies one to three mutations to {@code b}, an image file's bytes. */
    static void mutate(byte[] b, SplittableRandom r) {
        int clusterBits = int32(b, 20);
        if (clusterBits < 9 || clusterBits > 21) clusterBits = 16;
        int cs = 1 << clusterBits;
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            switch (r.nextInt(9)) {
                case 0 -> header(b, r, cs);
                case 1 -> l1Entry(b, r, cs);
                case 2, 3 -> l2Entry(b, r, cs);
                case 4 -> refcounts(b, r, cs);
                case 5 -> snapshotEntry(b, r, cs);
                case 6 -> extensions(b, r, cs);
                case 7 -> bitmapDirectory(b, r, cs);
                default -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
        }
    }

    private static long hostile(SplittableRandom r, byte[] b, int cs) {
        long[] v = {0, 1, -1, 0x7fffffffL, 0xffffffffL, 0x80000000L, 1L << 40, 1L << 62, Long.MIN_VALUE, Long.MAX_VALUE, b.length,
            b.length - cs, (b.length / cs) * (long) cs, cs, 2L * cs, 512, 1L << 56, (1L << 56) - 512, 0x7fffffe0L};
        long x = r.nextInt(4) == 0 ? r.nextLong() : v[r.nextInt(v.length)];
        if (r.nextInt(5) == 0) x ^= 1L << r.nextInt(64);
        return x;
    }

    private static void header(byte[] b, SplittableRandom r, int cs) {
        int[] longs = {8, 24, 40, 48, 64, 72, 80, 88};
        int[] ints = {4, 16, 20, 32, 36, 56, 60, 96, 100};
        if (r.nextBoolean()) put64(b, longs[r.nextInt(longs.length)], hostile(r, b, cs));
        else put32(b, ints[r.nextInt(ints.length)], (int) hostile(r, b, cs));
    }

    private static void l1Entry(byte[] b, SplittableRandom r, int cs) {
        int entries = int32(b, 36);
        if (entries > 0) put64(b, int64(b, 40) + 8L * r.nextInt(Math.min(entries, 64)), hostile(r, b, cs) | (r.nextBoolean() ? 1L << 63 : 0));
    }

    private static void l2Entry(byte[] b, SplittableRandom r, int cs) {
        int entries = int32(b, 36);
        if (entries <= 0) return;
        long l2 = int64(b, int64(b, 40) + 8L * r.nextInt(Math.min(entries, 8))) & L2Entry.OFFSET_MASK;
        if (l2 <= 0 || l2 > b.length - cs) return;
        long at = l2 + 8L * r.nextInt(cs / 8);
        long old = int64(b, at);
        switch (r.nextInt(4)) {
            case 0 -> put64(b, at, hostile(r, b, cs));
            case 1 -> put64(b, at, old ^ (1L << r.nextInt(64)));
            case 2 -> put64(b, at, L2Entry.COMPRESSED | (r.nextLong() & (L2Entry.COMPRESSED - 1)));
            default -> put64(b, at, old | L2Entry.ZERO);
        }
    }

    private static void refcounts(byte[] b, SplittableRandom r, int cs) {
        long table = int64(b, 48);
        if (r.nextBoolean()) {
            put64(b, table + 8L * r.nextInt(4), hostile(r, b, cs));
            return;
        }
        long block = int64(b, table) & RefcountTable.OFFSET_MASK;
        if (block > 0 && block <= b.length - cs) b[(int) block + r.nextInt(cs)] = (byte) r.nextInt(256);
    }

    private static void snapshotEntry(byte[] b, SplittableRandom r, int cs) {
        long at = int64(b, 64);
        if (int32(b, 60) <= 0 || at <= 0 || at > b.length - 64) return;
        int[] fields = {0, 8, 12, 32, 36, 40, 48, 56}; // L1 offset and size, name lengths, VM state sizes, extra data size, disk size, icount
        int f = fields[r.nextInt(fields.length)];
        if (f == 12) put32(b, at + f, r.nextInt()); // both 16-bit lengths
        else if (f == 8 || f == 32 || f == 36) put32(b, at + f, (int) hostile(r, b, cs));
        else put64(b, at + f, hostile(r, b, cs));
    }

    private static void extensions(byte[] b, SplittableRandom r, int cs) {
        int start = Math.max(72, Math.min(int32(b, 100), 4096));
        if (start > b.length - 16) return;
        int at = start + r.nextInt(Math.min(512, b.length - start - 8));
        if (r.nextBoolean()) put32(b, at & ~3, (int) hostile(r, b, cs));
        else b[at] = (byte) r.nextInt(256);
    }

    private static void bitmapDirectory(byte[] b, SplittableRandom r, int cs) {
        int pos = Math.max(72, int32(b, 100));
        while (pos >= 0 && pos < Math.min(b.length, cs) - 32) {
            int type = int32(b, pos);
            int len = int32(b, pos + 4);
            if (type == Qcow2Header.EXT_END || len < 0 || len > cs) return;
            if (type == Qcow2Header.EXT_BITMAPS) {
                if (r.nextInt(3) == 0) { // the extension: count, directory size or offset
                    put64(b, pos + 8 + 8L * r.nextInt(3), hostile(r, b, cs));
                    return;
                }
                long dir = int64(b, pos + 24);
                int[] fields = {0, 8, 12, 16, 18, 20}; // table offset and size, flags, type and granularity, name length, extra data size
                int f = fields[r.nextInt(fields.length)];
                if (f == 0) put64(b, dir, hostile(r, b, cs));
                else if (f == 16) put32(b, dir + 16, r.nextInt());
                else put32(b, dir + f, (int) hostile(r, b, cs));
                if (r.nextBoolean()) put64(b, int64(b, dir), hostile(r, b, cs)); // and an entry of its table
                return;
            }
            pos += 8 + ((len + 7) & ~7);
        }
    }

    // ------------------------------------------------------------------ bounded field access (offsets may be hostile)

    private static long int64(byte[] b, long at) {
        return at >= 0 && at <= b.length - 8 ? ByteBuffer.wrap(b).getLong((int) at) : 0;
    }

    private static int int32(byte[] b, long at) {
        return at >= 0 && at <= b.length - 4 ? ByteBuffer.wrap(b).getInt((int) at) : 0;
    }

    private static void put64(byte[] b, long at, long v) {
        if (at >= 0 && at <= b.length - 8) ByteBuffer.wrap(b).putLong((int) at, v);
    }

    private static void put32(byte[] b, long at, int v) {
        if (at >= 0 && at <= b.length - 4) ByteBuffer.wrap(b).putInt((int) at, v);
    }
}
