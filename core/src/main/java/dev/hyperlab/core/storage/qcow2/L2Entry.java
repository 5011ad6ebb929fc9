package dev.hyperlab.core.storage.qcow2;

/**
 * Bit layout of L1 and L2 entries (qcow2.txt, "Cluster mapping"): which cluster a guest cluster lives in, whether it
 * is compressed, reads as zeros, or is referenced exactly once (the COPIED flag, bit 63).
 */
final class L2Entry {
    static final long COPIED = 1L << 63;
    static final long COMPRESSED = 1L << 62;
    static final long ZERO = 1L;
    static final long OFFSET_MASK = 0x00fffffffffffe00L;
    /** Bits the spec reserves (QEMU's L1E_RESERVED_MASK, L2E_STD_RESERVED_MASK): set, they make a check fail. */
    static final long L1_RESERVED = 0x7f000000000001ffL;
    static final long L2_RESERVED = 0x3f000000000001feL;

    private L2Entry() {}

    /** How a guest cluster is stored. */
    enum Kind { UNALLOCATED, ZERO, DATA, COMPRESSED }

    static Kind kind(long entry, int version) {
        if ((entry & COMPRESSED) != 0) return Kind.COMPRESSED;
        if (version >= 3 && (entry & ZERO) != 0) return Kind.ZERO;
        return (entry & OFFSET_MASK) == 0 ? Kind.UNALLOCATED : Kind.DATA;
    }

    /** The host offset of a standard (not compressed) entry; 0 when none. */
    static long offset(long entry) {
        return entry & OFFSET_MASK;
    }

    /** Bits of a compressed entry's host offset: {@code x = 62 - (cluster_bits - 8)}. */
    static int compressedOffsetBits(int clusterBits) {
        return 62 - (clusterBits - 8);
    }

    static long compressedOffset(long entry, int clusterBits) {
        return entry & ((1L << compressedOffsetBits(clusterBits)) - 1);
    }

    /** Bytes the compressed data may span from its offset: the sector holding it plus the additional sectors. */
    static long compressedLength(long entry, int clusterBits) {
        int x = compressedOffsetBits(clusterBits);
        long sectors = ((entry & ~COPIED & ~COMPRESSED) >>> x) + 1;
        return sectors * 512 - (compressedOffset(entry, clusterBits) & 511);
    }
}
