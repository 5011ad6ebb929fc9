package dev.hyperlab.core.engine.image;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A disk as it was at one of its snapshots, as a read-only image: what a backup of a running VM reads while the VM
 * goes on writing (a temporary snapshot's view), and what a dry run's disk reads after reverting to a snapshot of the
 * lab it was forked from.
 */
public final class SnapshotView implements DiskImage {
    private final DiskSnapshots snapshots;
    private final String name;
    private final long size;
    private final DiskImage image;

    /**
     * @param snapshots the image's snapshots
     * @param name the snapshot
     * @param size the disk's size at the snapshot
     * @param image the image itself (for its path and format)
     */
    public SnapshotView(DiskSnapshots snapshots, String name, long size, DiskImage image) {
        this.snapshots = snapshots;
        this.name = name;
        this.size = size;
        this.image = image;
    }

    @Override
    public Path path() {
        return image.path();
    }

    @Override
    public ImageFormat format() {
        return image.format();
    }

    @Override
    public long virtualSize() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        snapshots.read(name, offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        throw new IOException(image.path() + " at snapshot '" + name + "' is read-only");
    }

    @Override
    public List<Extent> map(long offset, long length) throws IOException {
        return snapshots.map(name, offset, length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
