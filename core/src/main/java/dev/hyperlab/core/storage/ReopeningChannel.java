package dev.hyperlab.core.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
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
        try {
            channel.close();
        } finally {
            if (raf != null) raf.close();
        }
    }
}
