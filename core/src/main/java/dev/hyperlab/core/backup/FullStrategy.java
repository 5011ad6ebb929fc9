package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;

/**
 * {@code full}: every allocated byte of every disk, in chunks cut on a fixed 1 MiB grid of disk offsets. The grid
 * (rather than cutting from the start of each allocated range) makes two disks with the same content in the same
 * place produce the same chunks, so full backups of clones, or of the same VM on two days, still share most blobs.
 */
public final class FullStrategy implements BackupStrategy {

    @Override
    public String id() {
        return "full";
    }

    @Override
    public void backup(BackupContext context) throws IOException {
        for (SourceDisk disk : context.disks()) {
            backupDisk(disk, context.sink(disk));
        }
    }

    /** Stores every allocated range of {@code disk}; also the incremental strategy's fall-back. */
    static void backupDisk(SourceDisk disk, DiskSink sink) throws IOException {
        for (ByteRange r : disk.allocated()) {
            storeRange(sink, r.offset(), r.end());
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
