package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.ChangedBlocks;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.PriorBackup;
import dev.hyperlab.api.spi.PriorDisk;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code incremental}: changed-block tracking, as QEMU's incremental backup does it. For each disk, the dirty bitmap
 * names the clusters written since backup B (the one at whose success it was last cleared); the new backup stores
 * those clusters and keeps everything else from B. Nothing else of the disk is read, which is what makes it fast.
 *
 * <p>When the chain is broken for a disk (no bitmap, a bitmap left inconsistent by an unclean shutdown, a bitmap
 * never cleared by a backup, B no longer in the repository, or the disk resized) that disk gets a full backup
 * instead, and a note says so and why. The repository clears the bitmaps only once the backup is recorded.
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
            Optional<String> broken = broken(context, disk);
            if (broken.isPresent()) {
                context.note("disk " + disk.name() + ": " + broken.get() + "; full backup of it instead");
                FullStrategy.backupDisk(disk, sink);
                continue;
            }
            ChangedBlocks blocks = disk.changedBlocks().orElseThrow();
            PriorBackup base = blocks.since().flatMap(context::backup).orElseThrow();
            long at = 0;
            for (ByteRange changed : blocks.ranges()) {
                if (changed.offset() < at || changed.end() > disk.virtualSize()) {
                    throw new IOException("dirty bitmap of disk " + disk.name() + " lists range " + changed
                            + " out of order or past the disk's end");
                }
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

    /** Why the bitmap of {@code disk} cannot be trusted, if it cannot. */
    private static Optional<String> broken(BackupContext context, SourceDisk disk) {
        Optional<ChangedBlocks> blocks = disk.changedBlocks();
        if (blocks.isEmpty()) {
            return Optional.of("no dirty bitmap");
        }
        if (!blocks.get().consistent()) {
            return Optional.of("dirty bitmap is inconsistent (the VM was not shut down cleanly)");
        }
        Optional<String> since = blocks.get().since();
        if (since.isEmpty()) {
            return Optional.of("dirty bitmap was never cleared by a backup");
        }
        Optional<PriorBackup> base = context.backup(since.get());
        if (base.isEmpty()) {
            return Optional.of("backup " + shortId(since.get()) + ", which the dirty bitmap counts from, is not in"
                    + " the repository");
        }
        Optional<PriorDisk> prior = base.get().disk(disk.name());
        if (prior.isEmpty()) {
            return Optional.of("backup " + shortId(since.get()) + " has no disk " + disk.name());
        }
        if (prior.get().virtualSize() != disk.virtualSize()) {
            return Optional.of("disk changed size since backup " + shortId(since.get()));
        }
        return Optional.empty();
    }

    private static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }
}
