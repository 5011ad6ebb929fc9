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
    private FileChannel channel;
    private java.io.RandomAccessFile raf; // for writable files: ftruncate on the same descriptor
    private boolean closed;
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
            long at = pos;
            int n = io(() -> channel.read(dst, at));
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
            int n = io(() -> channel.read(dst, at));
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
            pos += io(() -> channel.write(src, at));
        }
        if (pos > size) size = pos;
    }

    /** Extends the file without writing (a sparse tail), so clusters handed out lie inside it before anything refers to them. */
    void extendTo(long newSize) throws IOException {
        if (newSize <= size) return;
        if (raf == null) throw new ImageException(path + ": image is open read-only");
        unsynced = true;
        io(() -> {
            raf.setLength(newSize);
            return 0;
        });
        size = newSize;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    long writeCalls() {
        return writeCalls;
    }

    void force() throws IOException {
        io(() -> {
            channel.force(true);
            return 0;
        });
        unsynced = false;
    }

    /** fdatasync without clearing {@link #unsynced()}: see {@link dev.hyperlab.core.storage.DiskImage#writeBack()}. */
    void writeBack() throws IOException {
        channel.force(false);
    }

    /** True when something was written since the last {@link #force()}. */
    boolean unsynced() {
        return unsynced;
    }

    /** One positional I/O call on the channel. */
    private interface Io {
        int run() throws IOException;
    }

    /**
     * Runs {@code op}, reopening the file once if the channel was closed under it. A FileChannel closes itself when a
     * thread using it is interrupted (a Ctrl-C reaching a thread that saves or writes the lab), and every later write
     * of the lab would then fail. The positional calls here can be repeated whole, so the call is made again on a
     * fresh channel to the same file (through the lock's descriptor, the same inode), the interrupt held back meanwhile
     * and set again after: whoever interrupted still sees it.
     */
    private int io(Io op) throws IOException {
        if (!closed && !channel.isOpen()) {
            reopen();
        }
        try {
            return op.run();
        } catch (java.nio.channels.ClosedChannelException e) {
            if (closed) {
                throw e;
            }
            boolean interrupted = Thread.interrupted();
            try {
                reopen();
                return op.run();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void reopen() throws IOException {
        if (raf != null) {
            try {
                raf.close();
            } catch (IOException ignored) {
                // already closed with its channel
            }
            raf = new java.io.RandomAccessFile(lock.file().toFile(), "rw");
            channel = raf.getChannel();
        } else {
            channel = FileChannel.open(lock.file(), java.nio.file.StandardOpenOption.READ);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            channel.close();
            if (raf != null) raf.close();
        } finally {
            lock.close(); // after the channel: nobody may write while our last bytes are still going out
        }
    }
}
