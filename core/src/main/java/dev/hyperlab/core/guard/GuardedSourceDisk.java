package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.ChangedBlocks;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** A disk being backed up as a plugin's strategy sees it: reads go through the run's {@link Lease}. */
final class GuardedSourceDisk implements SourceDisk {
    final SourceDisk disk;
    private final Lease lease;

    GuardedSourceDisk(SourceDisk disk, Lease lease) {
        this.disk = disk;
        this.lease = lease;
    }

    @Override
    public String name() {
        return disk.name();
    }

    @Override
    public String format() {
        return disk.format();
    }

    @Override
    public long virtualSize() {
        return disk.virtualSize();
    }

    @Override
    public List<ByteRange> allocated() throws IOException {
        return lease.use(disk::allocated);
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        lease.use(() -> {
            disk.read(offset, dst);
            return null;
        });
    }

    @Override
    public Optional<ChangedBlocks> changedBlocks() {
        // the tracker's answers are read here, inside the lease, so the strategy holds only values afterwards
        return lease.use(() -> disk.changedBlocks().map(SnapshotOfChangedBlocks::of));
    }
}
