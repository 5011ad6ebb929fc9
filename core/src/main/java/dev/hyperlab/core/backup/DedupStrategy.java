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
 * chunks whatever the image format or allocation, and the zeros cost no hashing. Only allocated ranges are read. The
 * cutting is {@link ContentChunker}'s, which file backups share: a disk image backed up as a file gives the blobs
 * its disk gave.
 *
 * <p>Chunks also end where the files of the disk's file system begin and end ({@link FileBoundaries}), so that
 * separately installed VMs, whose files lie in other places among other metadata, share their files' chunks.
 */
public final class DedupStrategy implements BackupStrategy {
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
        byte[] buf = new byte[ContentChunker.BUFFER];
        for (SourceDisk disk : context.disks()) {
            DiskSink sink = context.sink(disk);
            long[] cuts = disk instanceof ImageDisk d ? FileBoundaries.of(d.source().image()) : new long[0];
            for (ByteRange r : disk.allocated()) {
                chunkRange(disk, sink, r, buf, cuts);
            }
        }
    }

    private static void chunkRange(SourceDisk disk, DiskSink sink, ByteRange r, byte[] buf, long[] cuts) throws IOException {
        ContentChunker.chunk((offset, b, off, len) -> {
            disk.read(offset, ByteBuffer.wrap(b, off, len));
            return len;
        }, r.offset(), r.end(), buf, cuts, (offset, b, off, len) -> sink.store(offset, ByteBuffer.wrap(b, off, len)));
    }
}
