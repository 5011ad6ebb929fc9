package dev.hyperlab.core.backup;

/**
 * One stored run of a disk: {@code length} bytes at disk offset {@code offset} are bytes {@code [blobOffset,
 * blobOffset + length)} of blob {@code blob}. A disk's pieces are ascending and never overlap; what no piece covers
 * is a hole. Incremental backups refer to slices of their base's blobs, hence the blob offset.
 */
record Piece(long offset, int length, ObjectId blob, int blobOffset) {
    Piece {
        if (offset < 0 || length <= 0 || blobOffset < 0) {
            throw new IllegalArgumentException("bad piece " + offset + "+" + length + " @" + blobOffset);
        }
    }

    long end() {
        return offset + length;
    }

    /** The part of this piece inside {@code [from, to)}, which must intersect it. */
    Piece clip(long from, long to) {
        long s = Math.max(offset, from);
        long e = Math.min(end(), to);
        return new Piece(s, (int) (e - s), blob, blobOffset + (int) (s - offset));
    }
}
