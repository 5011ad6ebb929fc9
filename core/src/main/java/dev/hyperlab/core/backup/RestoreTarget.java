package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.Extent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Where a restore writes: a new sparse raw file, or an open {@link DiskImage}. */
interface RestoreTarget extends AutoCloseable {

    /** Writes {@code src[off, off + len)} at disk offset {@code at}; may be called from several threads at once. */
    void write(long at, byte[] src, int off, int len) throws IOException;

    /** Makes sure {@code [at, at + len)} reads as zeros (a hole of the backup over old data of the target). */
    void zero(long at, long len) throws IOException;

    /** Called once all writes are done and the restore succeeded in writing what it could. */
    void finish() throws IOException;

    /** Releases the target; after a failed restore of a new file, removes it. */
    @Override
    void close() throws IOException;

    /**
     * A new raw file of {@code size} bytes, all hole until written: holes of the backup stay holes. The file is created
     * exclusively and without following a symbolic link, so a restore never writes through a link or into a file that
     * was there before.
     */
    static RestoreTarget newRawFile(Path path, long size) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (FileAlreadyExistsException e) {
            throw new RepositoryException(path + " already exists (restore to a new path)", e);
        }
        try {
            // grown by ftruncate (RandomAccessFile), which keeps it sparse; the channel's size proves it was this file
            try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
                f.setLength(size);
            }
            if (ch.size() != size) {
                throw new RepositoryException(path + " was replaced while the restore created it");
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(path);
            throw e;
        }
        return new RestoreTarget() {
            private boolean done;

            /** Writes only the blocks that are not all zeros: the file is new, so the rest already reads as zeros. */
            @Override
            public void write(long at, byte[] src, int off, int len) throws IOException {
                int i = 0;
                while (i < len) {
                    int end = Zeros.blockEnd(at, i, len);
                    if (Zeros.isZero(src, off + i, end - i)) {
                        i = end;
                        continue;
                    }
                    int run = i;
                    i = end;
                    while (i < len) {
                        end = Zeros.blockEnd(at, i, len);
                        if (Zeros.isZero(src, off + i, end - i)) {
                            break;
                        }
                        i = end;
                    }
                    writeRun(at + run, src, off + run, i - run);
                }
            }

            /**
             * Writes one run of non-zero blocks through the page cache. O_DIRECT was tried (2026-12-07, issue 15): it
             * saved the kernel's copy (0.7 CPU-s of the reference VM's restore) but each write then waited for the
             * device, and the restore, which does not sync, took 1.93-1.99 s against 1.49-1.78 s (5 interleaved pairs,
             * load 3, docs/performance.md): the user waits for wall time.
             */
            private void writeRun(long pos, byte[] src, int from, int len) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(src, from, len);
                while (b.hasRemaining()) {
                    pos += ch.write(b, pos);
                }
            }

            @Override
            public void zero(long at, long len) {
                // a new sparse file reads as zeros everywhere it was not written
            }

            @Override
            public void finish() {
                // no fsync: a restore interrupted by a crash is simply run again; restic and borg do not sync
                // restored files either, and syncing would double the time on this machine's disk
                done = true;
            }

            @Override
            public void close() throws IOException {
                ch.close();
                if (!done) {
                    Files.deleteIfExists(path);
                }
            }
        };
    }

    /** An open image; writes are serialised, since images are not thread-safe. */
    static RestoreTarget image(DiskImage image) throws IOException {
        if (image.readOnly()) {
            throw new RepositoryException(image.path() + " is open read-only: cannot restore into it");
        }
        return new RestoreTarget() {
            private final byte[] zeros = new byte[64 * 1024];

            @Override
            public synchronized void write(long at, byte[] src, int off, int len) throws IOException {
                image.write(at, ByteBuffer.wrap(src, off, len));
            }

            @Override
            public synchronized void zero(long at, long len) throws IOException {
                List<Extent> extents = image.map(at, len);
                for (Extent e : extents) {
                    if (!e.data()) {
                        continue;
                    }
                    for (long p = e.offset(); p < e.end(); p += zeros.length) {
                        image.write(p, ByteBuffer.wrap(zeros, 0, (int) Math.min(zeros.length, e.end() - p)));
                    }
                }
            }

            @Override
            public synchronized void finish() throws IOException {
                image.flush();
            }

            @Override
            public void close() {
                // the caller opened the image and closes it
            }
        };
    }
}
