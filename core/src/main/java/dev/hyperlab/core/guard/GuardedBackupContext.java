package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.PriorBackup;
import dev.hyperlab.api.spi.SourceDisk;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backup run as a plugin's strategy sees it: the same disks, earlier backups and notes, with disks and sinks
 * behind the run's {@link Lease}. The sink of a guarded disk is the sink of the disk it guards.
 */
final class GuardedBackupContext implements BackupContext {
    private final BackupContext context;
    private final Lease lease;
    private final List<SourceDisk> disks;
    private final Map<SourceDisk, DiskSink> sinks = new IdentityHashMap<>();

    GuardedBackupContext(BackupContext context, Lease lease) {
        this.context = context;
        this.lease = lease;
        List<SourceDisk> out = new ArrayList<>();
        for (SourceDisk d : context.disks()) {
            out.add(new GuardedSourceDisk(d, lease));
        }
        this.disks = List.copyOf(out);
    }

    @Override
    public String source() {
        return context.source();
    }

    @Override
    public List<SourceDisk> disks() {
        return disks;
    }

    @Override
    public Optional<PriorBackup> latest() {
        return lease.use(context::latest);
    }

    @Override
    public List<PriorBackup> history() {
        return lease.use(context::history);
    }

    @Override
    public Optional<PriorBackup> backup(String id) {
        return lease.use(() -> context.backup(id));
    }

    @Override
    public synchronized DiskSink sink(SourceDisk disk) {
        if (!(disk instanceof GuardedSourceDisk g) || !disks.contains(g)) {
            throw new IllegalArgumentException("sink asked for a disk this backup does not have");
        }
        return sinks.computeIfAbsent(disk, d -> new GuardedSink(lease.use(() -> context.sink(g.disk)), lease));
    }

    @Override
    public void note(String message) {
        lease.use(() -> {
            context.note(message == null ? "" : Sanity.printable(message));
            return null;
        });
    }
}
