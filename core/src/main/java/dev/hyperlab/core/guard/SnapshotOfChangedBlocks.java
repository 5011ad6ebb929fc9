package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.ChangedBlocks;
import java.util.List;
import java.util.Optional;

/** A disk's changed-block map read once, as values, so a strategy can keep it without reaching the tracker. */
record SnapshotOfChangedBlocks(int granularity, Optional<String> since, boolean consistent, List<ByteRange> ranges)
        implements ChangedBlocks {

    static ChangedBlocks of(ChangedBlocks c) {
        return new SnapshotOfChangedBlocks(c.granularity(), c.since(), c.consistent(), List.copyOf(c.ranges()));
    }
}
