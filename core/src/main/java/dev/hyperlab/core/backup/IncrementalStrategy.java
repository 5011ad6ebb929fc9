package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.ChangesSince;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.PriorBackup;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;

/**
 * {@code incremental}: changed-block tracking, as QEMU's incremental backup does it. For each disk, the dirty bitmap
 * names the clusters written since backup B (the one at whose success it was last cleared); the new backup stores
 * those clusters and keeps everything else from B. Nothing else of the disk is read, which is what makes it fast.
 *
 * <p>When the chain is broken for a disk (the spi's one rule, {@link ChangesSince#of}: no bitmap, a bitmap left in
 * use by an image not closed cleanly, a bitmap never cleared by a backup, B no longer in the repository, or the disk
 * resized) that disk gets a full backup instead, and a note says so and why. The repository clears the bitmaps only
 * once the backup is recorded, so a fall back also starts a new, trusted bitmap.
 */
public final class IncrementalStrategy implements BackupStrategy {

    @Override
    public String id() {
        return "incremental";
    }

    @Override
    public String description() {
        return "only the clusters the dirty bitmap marks since the last backup; full where the chain is broken";
    }

    @Override
    public void backup(BackupContext context) throws IOException {
        for (SourceDisk disk : context.disks()) {
            DiskSink sink = context.sink(disk);
            ChangesSince changes = ChangesSince.of(context, disk);
            if (changes.base().isEmpty()) {
                context.note("disk " + disk.name() + ": " + changes.unknownBecause() + "; full backup of it instead");
                FullStrategy.backupDisk(disk, sink);
                continue;
            }
            PriorBackup base = changes.base().get();
            long at = 0;
            for (ByteRange changed : changes.ranges()) {
                if (changed.offset() > at) {
                    sink.keep(base, at, changed.offset() - at);
                }
                FullStrategy.storeRange(sink, changed.offset(), changed.end());
                at = changed.end();
            }
            if (at < disk.virtualSize()) {
                sink.keep(base, at, disk.virtualSize() - at);
            }
        }
    }
}
