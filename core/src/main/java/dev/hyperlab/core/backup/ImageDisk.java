package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.ChangedBlocks;
import dev.hyperlab.api.spi.SourceDisk;
import dev.hyperlab.core.storage.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The spi's view of a {@link SourceImage}: what a strategy reads, adapted from core's {@code DiskImage}. */
final class ImageDisk implements SourceDisk {
    private final SourceImage source;
    private final Optional<ChangedBlocks> changed;

    ImageDisk(SourceImage source) throws IOException {
        this.source = source;
        if (source.tracker().isPresent()) {
            ChangedBlockTracker t = source.tracker().get();
            // read once: the strategy may ask repeatedly, and the bitmap must not move under a running backup. An
            // inconsistent bitmap (left in use by a writer that never closed the image) is not read at all: its bits
            // prove nothing, and a backup of any kind must go on without them
            boolean consistent = t.consistent();
            List<ByteRange> ranges = consistent ? List.copyOf(t.changed()) : List.of();
            int granularity = t.granularity();
            Optional<String> since = t.since();
            this.changed = Optional.of(new ChangedBlocks() {
                @Override
                public int granularity() {
                    return granularity;
                }

                @Override
                public Optional<String> since() {
                    return since;
                }

                @Override
                public boolean consistent() {
                    return consistent;
                }

                @Override
                public List<ByteRange> ranges() {
                    return ranges;
                }
            });
        } else {
            this.changed = Optional.empty();
        }
    }

    SourceImage source() {
        return source;
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public String format() {
        return source.image().format().qemuName();
    }

    @Override
    public long virtualSize() {
        return source.image().virtualSize();
    }

    @Override
    public List<ByteRange> allocated() throws IOException {
        long size = virtualSize();
        List<ByteRange> out = new ArrayList<>();
        if (size == 0) {
            return out;
        }
        long start = -1;
        long end = -1;
        for (Extent e : source.image().map(0, size)) {
            if (!e.data()) {
                continue;
            }
            if (start >= 0 && e.offset() == end) {
                end = e.end();
            } else {
                if (start >= 0) {
                    out.add(new ByteRange(start, end - start));
                }
                start = e.offset();
                end = e.end();
            }
        }
        if (start >= 0) {
            out.add(new ByteRange(start, end - start));
        }
        return out;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        source.image().read(offset, dst);
    }

    @Override
    public Optional<ChangedBlocks> changedBlocks() {
        return changed;
    }
}
