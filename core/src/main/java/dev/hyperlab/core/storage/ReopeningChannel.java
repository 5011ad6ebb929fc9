package dev.hyperlab.core.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An image file's channel that survives an interrupt. A FileChannel closes itself when a thread using it is
 * interrupted (a Ctrl-C reaching a thread that saves or writes the lab), and every later read or write of the image
 * would then fail until the shell restarted. The positional calls made through {@link #io} can be repeated whole, so
 * such a call is made again on a fresh channel to the same file (the same path the image's lock holds, so the same
 * inode), the interrupt held back meanwhile and set again after: whoever interrupted still sees it.
 *
 * <p>A writable file is opened through {@link RandomAccessFile}, whose {@code setLength} grows a file sparse
 * (ftruncate) on the same descriptor.
 *
 * <p>A bulk copy that ends in an fsync can ask for {@linkplain #useDirectWrites() direct data writes}: the aligned
 * writes of {@link #writeData} then go through a second descriptor opened {@code O_DIRECT}, straight from the caller's
 * buffer to the disk, as {@code qemu-img convert -t none} writes. Every other write (metadata, unaligned pieces) stays
 * on the page cache; Linux keeps the two coherent (a direct write first writes back and drops cached pages of its
 * range).
 */
public final class ReopeningChannel implements AutoCloseable {
    /** One positional call on the channel; it must be safe to repeat whole. */
    @FunctionalInterface
    public interface Io {
        int run(FileChannel channel) throws IOException;
    }

    private final Path file;
    private final boolean writable;
    /** Volatile: {@link #writeBack()} reads it from another thread. */
    private volatile FileChannel channel;
    private RandomAccessFile raf;
    private boolean closed;
    /** The {@code O_DIRECT} descriptor of {@link #useDirectWrites()}, or null; its alignment (file system block). */
    private FileChannel direct;
    private int directAlign;

    private ReopeningChannel(Path file, boolean writable) throws IOException {
        this.file = file;
        this.writable = writable;
        open();
    }

    /** Opens {@code file} for reading, and for writing when {@code writable}. */
    public static ReopeningChannel open(Path file, boolean writable) throws IOException {
        return new ReopeningChannel(file, writable);
    }

    /** Runs {@code op} on the channel, reopening the file once if the channel was closed under it. */
    public int io(Io op) throws IOException {
        if (!closed && !channel.isOpen()) {
            open();
        }
        try {
            return op.run(channel);
        } catch (ClosedChannelException e) {
            if (closed) {
                throw e;
            }
            boolean interrupted = Thread.interrupted();
            try {
                open();
                return op.run(channel);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Sends the aligned writes of {@link #writeData} past the page cache from now on ({@code O_DIRECT}), for a bulk copy
     * whose bytes must reach the disk anyway: the copy into the page cache (the largest CPU cost of writing a new image
     * on Linux) and the write-back later are saved, and the final fsync finds the data on disk already. Returns false
     * (and changes nothing) when the file system refuses {@code O_DIRECT} or the file is read-only.
     */
    public boolean useDirectWrites() {
        if (!writable || closed) return false;
        if (direct != null) return true;
        try {
            long block = Files.getFileStore(file).getBlockSize();
            if (block < 512 || block > (1 << 16) || Long.bitCount(block) != 1) return false;
            direct = openDirect();
            directAlign = (int) block;
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // no O_DIRECT here (some file systems): the page cache it is
        }
    }

    /** True while {@link #useDirectWrites()} is in effect. */
    public boolean directWrites() {
        return direct != null;
    }

    /**
     * Writes {@code src} at {@code position} (a positional write, repeated on a fresh channel after an interrupt as
     * {@link #io} does): past the page cache when {@link #useDirectWrites()} is on and the buffer's address, its length
     * and the position are all block-aligned, through the page cache otherwise. Returns the bytes written.
     */
    public int writeData(ByteBuffer src, long position) throws IOException {
        FileChannel d = direct;
        if (d != null && aligned(src, position)) {
            try {
                return writeDirect(src, position);
            } catch (ClosedChannelException e) {
                if (closed) throw e;
            } catch (IOException e) {
                dropDirect(); // refused after all (EINVAL on some file systems): the same write through the page cache
            }
        }
        return io(ch -> ch.write(src, position));
    }

    private boolean aligned(ByteBuffer src, long position) {
        int mask = directAlign - 1;
        return src.isDirect() && (position & mask) == 0 && (src.remaining() & mask) == 0
                && (MemorySegment.ofBuffer(src).address() & mask) == 0;
    }

    private int writeDirect(ByteBuffer src, long position) throws IOException {
        try {
            return direct.write(src, position);
        } catch (ClosedChannelException e) {
            if (closed) throw e;
            boolean interrupted = Thread.interrupted(); // closed under us by an interrupt: once more on a fresh one
            try {
                direct = openDirect();
                return direct.write(src, position);
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
        }
    }

    private FileChannel openDirect() throws IOException {
        return FileChannel.open(file, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT);
    }

    private void dropDirect() {
        FileChannel d = direct;
        direct = null;
        if (d != null) {
            try {
                d.close();
            } catch (IOException ignored) {
                // nothing was pending on it: its writes returned
            }
        }
    }

    /** The file's length. */
    public long size() throws IOException {
        long[] size = new long[1];
        io(ch -> {
            size[0] = ch.size();
            return 0;
        });
        return size[0];
    }

    /** Sets the file's length: growing leaves a hole, shrinking drops the tail. */
    public void setLength(long length) throws IOException {
        if (!writable) throw new IOException(file + ": open read-only");
        io(ch -> {
            raf.setLength(length);
            return 0;
        });
    }

    /** fsync ({@code metadata}) or fdatasync. */
    public void force(boolean metadata) throws IOException {
        io(ch -> {
            ch.force(metadata);
            return 0;
        });
    }

    /**
     * fdatasync from another thread than the one doing I/O (a bulk copy's write-behind): it never reopens, so it
     * cannot race the I/O thread's reopening; a channel closed under it fails it, and the final flush covers it.
     */
    public void writeBack() throws IOException {
        channel.force(false);
    }

    private void open() throws IOException {
        if (raf != null) {
            try {
                raf.close();
            } catch (IOException ignored) {
                // already closed with its channel
            }
        }
        if (writable) {
            raf = new RandomAccessFile(file.toFile(), "rw");
            channel = raf.getChannel();
        } else {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        dropDirect();
        try {
            channel.close();
        } finally {
            if (raf != null) raf.close();
        }
    }
}
