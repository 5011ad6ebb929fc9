package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageLock;
import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.ReopeningChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The image file as the qcow2 code sees it: positional reads that must be complete (a short read means a table runs
 * past the end of the file, which is damage, reported as such) and positional writes that loop until done. It holds
 * the file's {@link ImageLock} while open.
 */
final class HostFile implements AutoCloseable {
    final Path path;
    private final ReopeningChannel channel;
    private final boolean writable;
    private final ImageLock lock;
    private long size;
    /** Bytes and write calls so far: the I/O a metadata operation cost, as QEMU's blockstats count it. */
    private long bytesWritten;
    private long writeCalls;
    /** Written (or extended) since the last {@link #force()}: a save fsyncs only the files that changed. */
    private boolean unsynced;

    private HostFile(Path path, ImageLock lock, boolean writable) throws IOException {
        this.path = path;
        this.lock = lock;
        this.writable = writable;
        this.channel = ReopeningChannel.open(lock.file(), writable);
        this.size = channel.size();
    }

    /**
     * Opens {@code path} as {@code mode} says (creating it first when {@code createNew}), locked as QEMU locks an image
     * opened that way; refused when another process's lock conflicts.
     */
    static HostFile open(Path path, OpenMode mode, boolean createNew) throws IOException {
        if (createNew) java.nio.file.Files.createFile(path);
        ImageLock lock = ImageLock.acquire(path, mode);
        try {
            return new HostFile(path, lock, mode.writable());
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    long size() {
        return size;
    }

    /** Reads exactly {@code dst.remaining()} bytes at {@code offset}; {@code what} names the structure for errors. */
    void readFully(long offset, ByteBuffer dst, String what) throws IOException {
        if (offset < 0 || offset > size - dst.remaining()) { // not offset + length: a hostile offset would overflow
            throw new ImageException(path + ": " + what + " at 0x" + Long.toHexString(offset) + " lies past the end of the file (image is damaged)");
        }
        long pos = offset;
        while (dst.hasRemaining()) {
            long at = pos;
            int n = channel.io(ch -> ch.read(dst, at));
            if (n < 0) throw new ImageException(path + ": " + what + " at 0x" + Long.toHexString(offset) + " is truncated");
            pos += n;
        }
    }

    /** Reads up to {@code dst.remaining()} bytes, leaving the rest of {@code dst} untouched past the end of the file. */
    int readUpTo(long offset, ByteBuffer dst) throws IOException {
        int total = 0;
        long pos = offset;
        while (dst.hasRemaining() && pos < size) {
            long at = pos;
            int n = channel.io(ch -> ch.read(dst, at));
            if (n < 0) break;
            pos += n;
            total += n;
        }
        return total;
    }

    void write(long offset, ByteBuffer src) throws IOException {
        bytesWritten += src.remaining();
        writeCalls++;
        long pos = offset;
        unsynced = true;
        while (src.hasRemaining()) {
            long at = pos;
            pos += channel.writeData(src, at);
        }
        if (pos > size) size = pos;
    }

    /** Extends the file without writing (a sparse tail), so clusters handed out lie inside it before anything refers to them. */
    void extendTo(long newSize) throws IOException {
        if (newSize <= size) return;
        if (!writable) throw new ImageException(path + ": image is open read-only");
        unsynced = true;
        channel.setLength(newSize);
        size = newSize;
    }

    /** See {@link ReopeningChannel#useDirectWrites()}. */
    boolean useDirectWrites() {
        return writable && channel.useDirectWrites();
    }

    long bytesWritten() {
        return bytesWritten;
    }

    long writeCalls() {
        return writeCalls;
    }

    void force() throws IOException {
        channel.force(true);
        unsynced = false;
    }

    /** fdatasync without clearing {@link #unsynced()}: see {@link dev.hyperlab.core.storage.DiskImage#writeBack()}. */
    void writeBack() throws IOException {
        channel.writeBack();
    }

    /** True when something was written since the last {@link #force()}. */
    boolean unsynced() {
        return unsynced;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            lock.close(); // after the channel: nobody may write while our last bytes are still going out
        }
    }
}
