package dev.hyperlab.core.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes past the page cache ({@code O_DIRECT}) for bulk data a backup writes once and syncs at once:
 * packs (a restore, which does not sync, writes through the page cache: see RestoreTarget).
 * Java arrays cannot be handed to {@code O_DIRECT} (it needs block-aligned addresses), so each writing thread copies
 * through its own page-aligned buffer, the copy the JDK makes anyway for a heap buffer (into a temporary direct one);
 * what is saved is the kernel's copy into the page cache and the write-back later.
 */
final class DirectWrites {
    /**
     * The aligned buffer of each writing thread: 4 MiB, so a quarter of a pack is one write. An {@code O_DIRECT} write
     * returns once the device has the data, so fewer, larger ones wait less.
     */
    static final int BUFFER = 4 << 20;
    static final int PAGE = 4096;
    private static final ThreadLocal<ByteBuffer> ALIGNED =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER + PAGE).alignedSlice(PAGE));

    private DirectWrites() {}

    /**
     * A second, {@code O_DIRECT} descriptor of the existing file {@code file}, or null where the file system has none
     * (tmpfs). Writes are aligned to the page, a multiple of every device's logical block size here; a device that
     * asks for more refuses the first write, and the writes go through the page cache from then on.
     */
    static Channel open(Path file) {
        try {
            return new Channel(FileChannel.open(file, StandardOpenOption.WRITE,
                    com.sun.nio.file.ExtendedOpenOption.DIRECT), PAGE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** An {@code O_DIRECT} descriptor; safe for several threads (positional writes, one buffer per thread). */
    static final class Channel implements AutoCloseable {
        private final FileChannel ch;
        private final int align;
        /** Set when a write was refused after all (EINVAL): every later write goes through the page cache. */
        private volatile boolean refused;

        private Channel(FileChannel ch, int align) {
            this.ch = ch;
            this.align = align;
        }

        /**
         * Writes the block-aligned middle of {@code src[from, from + len)}, meant for file position {@code pos}, when
         * it starts at {@code pos} (a run that starts off a block boundary is left whole to the caller). Returns how
         * many bytes from the start were written: the caller writes the rest through the page cache.
         */
        int write(long pos, byte[] src, int from, int len) throws IOException {
            if (refused || (pos & (align - 1)) != 0) {
                return 0;
            }
            int end = len & -align;
            ByteBuffer buf = ALIGNED.get();
            int done = 0;
            try {
                while (done < end) {
                    int n = Math.min(BUFFER, end - done);
                    buf.clear().put(src, from + done, n).flip();
                    while (buf.hasRemaining()) {
                        done += ch.write(buf, pos + done);
                    }
                }
            } catch (ClosedChannelException e) {
                throw e;
            } catch (IOException e) {
                refused = true; // the rest of this run, and later ones, through the page cache
            }
            return done;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
