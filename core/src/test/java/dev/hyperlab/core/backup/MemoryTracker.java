package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.ByteRange;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * An in-memory {@link ChangedBlockTracker} for tests and the benchmark: one bit per cluster, set by
 * {@link TrackedImage} on every write; the qcow2 persistent dirty bitmap replaces it once the storage layer merges.
 */
public final class MemoryTracker implements ChangedBlockTracker {
    private final int granularity;
    private final long size;
    private final BitSet bits = new BitSet();
    private Optional<String> since = Optional.empty();
    private boolean consistent = true;
    private int restarts;

    public MemoryTracker(long size, int granularity) {
        this.size = size;
        this.granularity = granularity;
    }

    /** Marks the clusters that {@code [offset, offset + length)} touches. */
    public synchronized void mark(long offset, long length) {
        if (length <= 0) {
            return;
        }
        bits.set((int) (offset / granularity), (int) ((offset + length - 1) / granularity) + 1);
    }

    /** Simulates an unclean shutdown (QEMU's in-use flag left set). */
    public synchronized void setConsistent(boolean consistent) {
        this.consistent = consistent;
    }

    public synchronized int restarts() {
        return restarts;
    }

    @Override
    public int granularity() {
        return granularity;
    }

    @Override
    public synchronized Optional<String> since() {
        return since;
    }

    @Override
    public synchronized boolean consistent() {
        return consistent;
    }

    @Override
    public synchronized List<ByteRange> changed() {
        List<ByteRange> out = new ArrayList<>();
        for (int i = bits.nextSetBit(0); i >= 0; ) {
            int j = bits.nextClearBit(i);
            long start = (long) i * granularity;
            long end = Math.min(size, (long) j * granularity);
            out.add(new ByteRange(start, end - start));
            i = bits.nextSetBit(j);
        }
        return out;
    }

    @Override
    public synchronized void restart(String backupId) {
        bits.clear();
        since = Optional.of(backupId);
        consistent = true;
        restarts++;
    }
}
