package dev.hyperlab.core.storage.raw;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.ImageLock;
import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.SparseFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import dev.hyperlab.core.storage.ReopeningChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw image: byte N of the file is byte N of the disk. Created sparse (only the length is set), so unwritten
 * ranges cost nothing and {@link #map} reports them as holes. The virtual size is the file length. The file is locked
 * as QEMU locks it ({@link ImageLock}) while open.
 */
public final class RawImage implements DiskImage {
    private final Path path;
    private final ImageLock lock;
    private final ReopeningChannel channel;
    private final boolean readOnly;
    private long size;
    /** Written or resized since the last fsync: a save fsyncs only the files that changed. */
    private boolean unsynced;

    private RawImage(Path path, ImageLock lock, ReopeningChannel channel, boolean readOnly, long size) {
        this.path = path;
        this.lock = lock;
        this.channel = channel;
        this.readOnly = readOnly;
        this.size = size;
    }

    /** Opens an existing file as a raw image. */
    public static RawImage open(Path path, boolean readOnly) throws IOException {
        return open(path, readOnly ? OpenMode.READ : OpenMode.WRITE);
    }

    /** Opens an existing file as a raw image, locked as {@code mode} says (a raw image has no metadata to check). */
    public static RawImage open(Path path, OpenMode mode) throws IOException {
        ImageLock lock = ImageLock.acquire(path, mode);
        try {
            ReopeningChannel ch = ReopeningChannel.open(lock.file(), mode.writable());
            try {
                return new RawImage(path, lock, ch, !mode.writable(), ch.size());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Creates a sparse raw image of {@code size} bytes; fails if the file exists. */
    public static RawImage create(Path path, long size) throws IOException {
        if (size < 0) throw new ImageException(path + ": negative size " + size);
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        try {
            RawImage img = open(path, OpenMode.WRITE);
            try {
                img.channel.setLength(size);
            } catch (IOException | RuntimeException e) {
                img.closeUnsynced();
                throw e;
            }
            img.size = size;
            img.unsynced = true; // the new file's length is not durable yet
            return img;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    @Override public Path path() { return path; }
    @Override public ImageFormat format() { return ImageFormat.RAW; }
    @Override public long virtualSize() { return size; }
    @Override public boolean readOnly() { return readOnly; }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        long pos = offset;
        while (dst.hasRemaining()) {
            long at = pos;
            int n = channel.io(ch -> ch.read(dst, at));
            if (n < 0) { // past the end of a file shorter than its size: zeros
                while (dst.hasRemaining()) dst.put((byte) 0);
                break;
            }
            pos += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        if (readOnly) throw new ImageException(path + ": image is open read-only");
        checkRange(offset, src.remaining());
        long pos = offset;
        unsynced = true;
        while (src.hasRemaining()) {
            long at = pos;
            pos += channel.writeData(src, at);
        }
    }

    @Override
    public boolean useDirectWrites() {
        return !readOnly && channel.useDirectWrites();
    }

    /** Punches nothing (Java has no fallocate), but writes zeros only where the range holds data. */
    public void discard(long offset, long length) throws IOException {
        checkRange(offset, length);
        ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
        for (Extent e : map(offset, length)) {
            if (!e.data()) continue;
            for (long p = e.offset(); p < e.end(); ) {
                int n = (int) Math.min(zeros.capacity(), e.end() - p);
                zeros.clear().limit(n);
                write(p, zeros);
                p += n;
            }
        }
    }

    /** Changes the virtual size; growing leaves a hole. */
    public void resize(long newSize) throws IOException {
        if (readOnly) throw new ImageException(path + ": image is open read-only");
        if (newSize < 0) throw new ImageException(path + ": negative size " + newSize);
        unsynced = true;
        channel.setLength(newSize);
        size = newSize;
    }

    @Override
    public List<Extent> map(long offset, long length) throws IOException {
        checkRange(offset, length);
        List<Extent> out = new ArrayList<>();
        long end = offset + length;
        long pos = offset;
        for (SparseFiles.DataRun run : SparseFiles.dataRuns(path, offset, Math.min(end, channel.size()))) {
            if (run.start() > pos) out.add(new Extent(pos, run.start() - pos, false, 0));
            out.add(new Extent(run.start(), run.end() - run.start(), true, 0));
            pos = run.end();
        }
        if (pos < end) out.add(new Extent(pos, end - pos, false, 0));
        return out;
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly && unsynced) {
            channel.force(true);
            unsynced = false;
        }
    }

    @Override
    public void writeBack() throws IOException {
        if (!readOnly) channel.writeBack();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            closeUnsynced();
        }
    }

    @Override
    public void closeUnsynced() throws IOException {
        try {
            channel.close();
        } finally {
            lock.close();
        }
    }

    private void checkRange(long offset, long length) throws ImageException {
        if (offset < 0 || length < 0 || offset + length > size || offset + length < 0) {
            throw new ImageException(path + ": range " + offset + "+" + length + " is outside the disk (size " + size + ")");
        }
    }
}
