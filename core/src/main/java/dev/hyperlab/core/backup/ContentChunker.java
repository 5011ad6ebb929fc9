package dev.hyperlab.core.backup;

import java.io.IOException;

/**
 * Content-defined chunks of a byte range, as the {@code dedup} strategy cuts disks and file backups cut files, so
 * that the same bytes give the same blobs whichever of the two stored them: {@link FastCdc} cuts, and every 4 KiB
 * block (counted from the start of the disk or file) that is all zeros is a hole that ends a chunk, whether the
 * source stores it as a hole or as written zeros.
 *
 * <p>A cut at {@code pos} is decided only with a full maximal chunk (plus a block) buffered after it, or the range's
 * end: so where chunks end depends on the content alone, never on how the reads happened to be split.
 */
final class ContentChunker {
    /** The unit zeros are recognised in: a file system block. */
    static final int BLOCK = Zeros.BLOCK;
    /** Bytes read per read: large sequential reads. */
    static final int SEGMENT = 8 << 20;
    /** The buffer {@link #chunk} needs. */
    static final int BUFFER = SEGMENT + FastCdc.MAX;

    /** Where the bytes come from. */
    @FunctionalInterface
    interface Source {
        /**
         * Reads {@code len} bytes at {@code offset} into {@code buf[off, off + len)}; returns the bytes read, fewer
         * only when the source ends early (a file that shrank while it was read).
         */
        int read(long offset, byte[] buf, int off, int len) throws IOException;
    }

    /** Where the chunks go: {@code buf[off, off + len)} holds the chunk at {@code offset}. */
    @FunctionalInterface
    interface Sink {
        void chunk(long offset, byte[] buf, int off, int len) throws IOException;
    }

    private ContentChunker() {}

    /**
     * Cuts {@code [start, end)} of {@code source} into chunks, skipping all-zero blocks, using {@code buf} (at least
     * {@link #BUFFER} bytes). Returns where the range really ended: {@code end}, or less when the source ended early.
     */
    static long chunk(Source source, long start, long end, byte[] buf, Sink sink) throws IOException {
        return chunk(source, start, end, buf, NO_CUTS, sink);
    }

    private static final long[] NO_CUTS = {};

    /**
     * As {@link #chunk(Source, long, long, byte[], Sink)}, and no chunk runs across any offset in {@code cuts}
     * (ascending): where the disk's files begin and end ({@link FileBoundaries}).
     */
    static long chunk(Source source, long start, long end, byte[] buf, long[] cuts, Sink sink) throws IOException {
        int next = java.util.Arrays.binarySearch(cuts, start + 1);
        next = next >= 0 ? next : -next - 1; // the first cut after start
        long bufStart = start;
        int filled = 0;
        int pos = 0; // first byte not yet in a chunk or skipped
        int scanned = 0; // the blocks before this index (and from pos) are known not to be all zeros
        while (true) {
            boolean atEnd = bufStart + filled == end;
            if (!atEnd && filled - pos < FastCdc.MAX + BLOCK) {
                System.arraycopy(buf, pos, buf, 0, filled - pos);
                bufStart += pos;
                filled -= pos;
                scanned = Math.max(0, scanned - pos);
                pos = 0;
                int want = (int) Math.min(buf.length - filled, end - (bufStart + filled));
                int got = source.read(bufStart + filled, buf, filled, want);
                if (got < want) {
                    end = bufStart + filled + Math.max(0, got);
                }
                filled += Math.max(0, got);
                continue;
            }
            if (pos >= filled) {
                return end;
            }
            if ((bufStart + pos) % BLOCK == 0 && Zeros.isZero(buf, pos, Math.min(BLOCK, filled - pos))) {
                pos += Math.min(BLOCK, filled - pos);
                continue;
            }
            // the data run ends at the next zero block, looking no further than one maximal chunk
            while (next < cuts.length && cuts[next] <= bufStart + pos) next++;
            int limit = Math.min(filled, pos + FastCdc.MAX);
            if (next < cuts.length && cuts[next] - bufStart < limit) limit = (int) (cuts[next] - bufStart);
            int runEnd = limit;
            int b = Math.max(scanned, pos);
            long misalign = (bufStart + b) % BLOCK;
            if (misalign != 0) {
                b += (int) (BLOCK - misalign);
            }
            for (; b < limit; b += BLOCK) {
                int len = Math.min(BLOCK, filled - b);
                if (Zeros.isZero(buf, b, len)) {
                    runEnd = b;
                    break;
                }
                scanned = b + len;
            }
            int cut = FastCdc.cut(buf, pos, runEnd - pos);
            sink.chunk(bufStart + pos, buf, pos, cut);
            pos += cut;
        }
    }
}
