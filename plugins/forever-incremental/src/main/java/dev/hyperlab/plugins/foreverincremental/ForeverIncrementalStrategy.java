package dev.hyperlab.plugins.foreverincremental;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.ChangesSince;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.PriorBackup;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;
import org.pf4j.Extension;

/**
 * Forever-incremental with a periodic active full, as backup products schedule it: after the first backup, each
 * backup reads only the clusters the disk's dirty bitmap marks since the last one and keeps the rest from it; every
 * {@value #FULL_EVERY}th backup of a machine by this strategy reads every allocated byte again, trusting no bitmap.
 *
 * <p>Why the periodic full in a repository where every backup is already a complete disk map: an incremental is only
 * as right as the bitmap. A write the bitmap missed (a bug, a disk changed while tracking was off) would live on in
 * every later backup; the active full reads the disk itself and ends that. Identical chunks are stored once, so the
 * full costs reading, not space: a user trades one long backup a week for bounded trust in the chain.
 *
 * <p>Where the chain is broken for a disk (the spi's rule every incremental strategy shares, {@link ChangesSince#of}:
 * no bitmap, one left in use by an image not closed cleanly, never reset by a backup, its base gone, the disk
 * resized), that disk gets a full backup and a note says why.
 */
@Extension
public final class ForeverIncrementalStrategy implements BackupStrategy {
    /** One backup a day, a full once a week (docs/calibration.md {@code backup.forever_incremental.full_every}). */
    // calibration: backup.forever_incremental.full_every
    static final int FULL_EVERY = 7;

    @Override
    public String id() {
        return "forever-incremental";
    }

    @Override
    public String description() {
        return "changed blocks each time, an active full every " + FULL_EVERY + "th backup (plugin)";
    }

    @Override
    public void backup(BackupContext context) throws IOException {
        long mine = context.history().stream().filter(b -> b.strategy().equals(id())).count();
        boolean periodicFull = mine % FULL_EVERY == 0;
        if (periodicFull && mine > 0) {
            context.note("active full: backup " + (mine + 1) + " of " + context.source() + " by " + id()
                    + " (one in " + FULL_EVERY + " reads every allocated byte)");
        }
        for (SourceDisk disk : context.disks()) {
            DiskSink sink = context.sink(disk);
            if (periodicFull) {
                full(disk, sink);
                continue;
            }
            ChangesSince changes = ChangesSince.of(context, disk);
            if (changes.base().isEmpty()) {
                context.note("disk " + disk.name() + ": " + changes.unknownBecause() + "; full backup of it instead");
                full(disk, sink);
                continue;
            }
            PriorBackup base = changes.base().get();
            long at = 0;
            for (ByteRange changed : changes.ranges()) {
                if (changed.offset() > at) {
                    sink.keep(base, at, changed.offset() - at);
                }
                store(sink, changed.offset(), changed.end());
                at = changed.end();
            }
            if (at < disk.virtualSize()) {
                sink.keep(base, at, disk.virtualSize() - at);
            }
        }
    }

    private static void full(SourceDisk disk, DiskSink sink) throws IOException {
        for (ByteRange range : disk.allocated()) {
            store(sink, range.offset(), range.end());
        }
    }

    private static void store(DiskSink sink, long from, long to) throws IOException {
        for (long at = from; at < to; at += sink.maxChunk()) {
            sink.store(at, (int) Math.min(sink.maxChunk(), to - at));
        }
    }
}
