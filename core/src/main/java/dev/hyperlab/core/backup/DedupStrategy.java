package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@code dedup}: content-defined chunking of the whole disk with {@link FastCdc}, no bitmap needed. Chunk boundaries
 * follow the content, not the offsets, so data that moved, and identical data on other VMs' disks or on other days,
 * yields the same chunks, which the repository stores once.
 *
 * <p>Zeros are not content: every 4 KiB block (the guest file system's block) that is all zeros is a hole and ends a
 * chunk, whether the image stores it as a hole, a zero cluster or written zeros. So the same content gives the same
 * chunks whatever the image format or allocation, and the zeros cost no hashing. Only allocated ranges are read.
 */
public final class DedupStrategy implements BackupStrategy {
    /** Guest block size: the unit zeros are recognised in. */
    static final int BLOCK = Zeros.BLOCK;
    /** Bytes read per disk read: large sequential reads. */
    private static final int SEGMENT = 8 << 20;

    @Override
    public String id() {
        return "dedup";
    }

    @Override
    public String description() {
        return "content-defined chunks (FastCDC) of the whole disk, stored once across VMs and days";
    }

    @Override
    public void backup(BackupContext context) throws IOException {
        byte[] buf = new byte[SEGMENT + FastCdc.MAX];
        for (SourceDisk disk : context.disks()) {
            DiskSink sink = context.sink(disk);
            for (ByteRange r : disk.allocated()) {
                chunkRange(disk, sink, r, buf);
            }
        }
    }

    /**
     * Cuts {@code r} into content-defined chunks, skipping all-zero blocks. A cut at {@code pos} is decided only with
     * a full maximal chunk (plus a block) buffered after it, or the range's end: so where chunks end depends on the
     * content alone, never on how the reads happened to be split.
     */
    private static void chunkRange(SourceDisk disk, DiskSink sink, ByteRange r, byte[] buf) throws IOException {
        long end = r.end();
        long bufStart = r.offset();
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
                disk.read(bufStart + filled, ByteBuffer.wrap(buf, filled, want));
                filled += want;
                continue;
            }
            if (pos >= filled) {
                return;
            }
            if ((bufStart + pos) % BLOCK == 0 && Zeros.isZero(buf, pos, Math.min(BLOCK, filled - pos))) {
                pos += Math.min(BLOCK, filled - pos);
                continue;
            }
            // the data run ends at the next zero block, looking no further than one maximal chunk
            int limit = Math.min(filled, pos + FastCdc.MAX);
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
            sink.store(bufStart + pos, ByteBuffer.wrap(buf, pos, cut));
            pos += cut;
        }
    }
}
