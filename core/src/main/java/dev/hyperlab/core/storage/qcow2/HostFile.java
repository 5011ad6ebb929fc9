package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageLock;
import dev.hyperlab.core.storage.OpenMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The image file as the qcow2 code sees it: positional reads that must be complete (a short read means a table runs
 * past the end of the file, which is damage, reported as such) and positional writes that loop until done. It holds
 * the file's {@link ImageLock} while open.
 */
final class HostFile implements AutoCloseable {
    final Path path;
    final FileChannel channel;
    private final java.io.RandomAccessFile raf; // for writable files: ftruncate on the same descriptor
    private final ImageLock lock;
    private long size;
    /** Bytes and write calls so far: the I/O a metadata operation cost, as QEMU's blockstats count it. */
    private long bytesWritten;
    private long writeCalls;
    /** Written (or extended) since the last {@link #force()}: a save fsyncs only the files that changed. */
    private boolean unsynced;

    private HostFile(Path path, ImageLock lock, FileChannel channel, java.io.RandomAccessFile raf) throws IOException {
        this.path = path;
        this.lock = lock;
        this.channel = channel;
        this.raf = raf;
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
            if (!mode.writable()) {
                return new HostFile(path, lock, FileChannel.open(lock.file(), java.nio.file.StandardOpenOption.READ), null);
            }
            java.io.RandomAccessFile raf = new java.io.RandomAccessFile(lock.file().toFile(), "rw");
            return new HostFile(path, lock, raf.getChannel(), raf);
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
            int n = channel.read(dst, pos);
            if (n < 0) throw new ImageException(path + ": " + what + " at 0x" + Long.toHexString(offset) + " is truncated");
            pos += n;
        }
    }

    /** Reads up to {@code dst.remaining()} bytes, leaving the rest of {@code dst} untouched past the end of the file. */
    int readUpTo(long offset, ByteBuffer dst) throws IOException {
        int total = 0;
        long pos = offset;
        while (dst.hasRemaining() && pos < size) {
            int n = channel.read(dst, pos);
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
        while (src.hasRemaining()) pos += channel.write(src, pos);
        if (pos > size) size = pos;
    }

    /** Extends the file without writing (a sparse tail), so clusters handed out lie inside it before anything refers to them. */
    void extendTo(long newSize) throws IOException {
        if (newSize <= size) return;
        if (raf == null) throw new ImageException(path + ": image is open read-only");
        unsynced = true;
        raf.setLength(newSize);
        size = newSize;
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

    /** True when something was written since the last {@link #force()}. */
    boolean unsynced() {
        return unsynced;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
            if (raf != null) raf.close();
        } finally {
            lock.close(); // after the channel: nobody may write while our last bytes are still going out
        }
    }
}
