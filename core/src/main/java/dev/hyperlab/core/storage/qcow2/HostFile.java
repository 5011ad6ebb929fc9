package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.RegularFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The image file as the qcow2 code sees it: positional reads that must be complete (a short read means a table runs
 * past the end of the file, which is damage, reported as such) and positional writes that loop until done.
 */
final class HostFile implements AutoCloseable {
    final Path path;
    final FileChannel channel;
    private final java.io.RandomAccessFile raf; // for writable files: ftruncate on the same descriptor
    private long size;
    /** Bytes and write calls so far: the I/O a metadata operation cost, as QEMU's blockstats count it. */
    private long bytesWritten;
    private long writeCalls;
    /** Written (or extended) since the last {@link #force()}: a save fsyncs only the files that changed. */
    private boolean unsynced;

    HostFile(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.raf = null;
        this.size = channel.size();
    }

    /** Opens {@code path} for reading, and for writing unless {@code readOnly}. */
    static HostFile open(Path path, boolean readOnly, boolean createNew) throws IOException {
        if (!createNew) RegularFiles.require(path);
        if (readOnly) return new HostFile(path, FileChannel.open(path, java.nio.file.StandardOpenOption.READ));
        if (createNew) java.nio.file.Files.createFile(path);
        java.io.RandomAccessFile raf = new java.io.RandomAccessFile(path.toFile(), "rw");
        return new HostFile(path, raf);
    }

    private HostFile(Path path, java.io.RandomAccessFile raf) throws IOException {
        this.path = path;
        this.raf = raf;
        this.channel = raf.getChannel();
        this.size = channel.size();
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
        unsynced = true;
        if (raf != null) {
            raf.setLength(newSize);
        } else {
            try (var r = new java.io.RandomAccessFile(path.toFile(), "rw")) {
                r.setLength(newSize);
            }
        }
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
        channel.close();
        if (raf != null) raf.close();
    }
}
