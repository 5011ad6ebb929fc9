package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.PriorBackup;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A disk's sink as a plugin's strategy sees it: every call goes through the run's {@link Lease}. */
final class GuardedSink implements DiskSink {
    private final DiskSink sink;
    private final Lease lease;

    GuardedSink(DiskSink sink, Lease lease) {
        this.sink = sink;
        this.lease = lease;
    }

    @Override
    public int maxChunk() {
        return sink.maxChunk();
    }

    @Override
    public void store(long offset, int length) throws IOException {
        lease.use(() -> {
            sink.store(offset, length);
            return null;
        });
    }

    @Override
    public void store(long offset, ByteBuffer bytes) throws IOException {
        lease.use(() -> {
            sink.store(offset, bytes);
            return null;
        });
    }

    @Override
    public void keep(PriorBackup base, long offset, long length) throws IOException {
        lease.use(() -> {
            sink.keep(base, offset, length);
            return null;
        });
    }
}
