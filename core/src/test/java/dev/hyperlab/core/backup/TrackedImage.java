package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/** A {@link DiskImage} that marks every write in a {@link MemoryTracker}, as QEMU marks a dirty bitmap. */
public class TrackedImage implements DiskImage {
    private final DiskImage image;
    private final MemoryTracker tracker;

    public TrackedImage(DiskImage image, MemoryTracker tracker) {
        this.image = image;
        this.tracker = tracker;
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
        return image.virtualSize();
    }

    @Override
    public boolean readOnly() {
        return image.readOnly();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        image.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        int n = src.remaining();
        image.write(offset, src);
        tracker.mark(offset, n);
    }

    @Override
    public List<Extent> map(long offset, long length) throws IOException {
        return image.map(offset, length);
    }

    @Override
    public void flush() throws IOException {
        image.flush();
    }

    @Override
    public void close() throws IOException {
        image.close();
    }
}
