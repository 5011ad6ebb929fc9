package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;

/**
 * {@code full}: every allocated block of every disk. The disk is cut on a fixed 4 MiB grid of disk offsets, and every
 * grid cell that holds any allocated byte is stored whole (a hole inside the cell reads as zeros). So a chunk depends
 * on the disk's content alone, not on how the image happens to allocate it: full backups of clones, of a raw copy and
 * its qcow2 original, or of the same VM on two days, share every unchanged cell. Cells that are all zeros become
 * holes, and restore skips zero blocks, so the restored disk is as sparse as the original or sparser.
 */
public final class FullStrategy implements BackupStrategy {

    @Override
    public String id() {
        return "full";
    }

    @Override
    public String description() {
        return "every allocated 4 MiB cell of every disk";
    }

    @Override
    public void backup(BackupContext context) throws IOException {
        for (SourceDisk disk : context.disks()) {
            backupDisk(disk, context.sink(disk));
        }
    }

    /** Stores every grid cell of {@code disk} that holds allocated bytes; also the incremental strategy's fall-back. */
    static void backupDisk(SourceDisk disk, DiskSink sink) throws IOException {
        long grid = sink.maxChunk();
        long size = disk.virtualSize();
        long next = 0; // cells before this are stored
        for (ByteRange r : disk.allocated()) {
            long end = Math.min(size, (r.end() + grid - 1) / grid * grid);
            for (long at = Math.max(next, r.offset() / grid * grid); at < end; at += grid) {
                sink.store(at, (int) Math.min(grid, size - at));
            }
            next = Math.max(next, end);
        }
    }

    /** Stores {@code [from, to)} in chunks that end on the grid. */
    static void storeRange(DiskSink sink, long from, long to) throws IOException {
        long grid = sink.maxChunk();
        for (long at = from; at < to; ) {
            long next = Math.min(to, (at / grid + 1) * grid);
            sink.store(at, (int) (next - at));
            at = next;
        }
    }
}
