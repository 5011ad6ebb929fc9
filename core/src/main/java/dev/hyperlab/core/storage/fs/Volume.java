package dev.hyperlab.core.storage.fs;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.layout.UnreadableDiskException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A byte range of a disk image that holds one file system: a partition, or the whole disk. Every read is checked
 * against the range first, so a block number read from the file system can never reach outside it.
 *
 * @param disk the image
 * @param offset where the range starts on the virtual disk
 * @param size its length in bytes
 */
public record Volume(DiskImage disk, long offset, long size) {

    public Volume {
        if (offset < 0 || size < 0 || offset > disk.virtualSize() - size) {
            throw new IllegalArgumentException("volume " + offset + "+" + size + " outside a disk of " + disk.virtualSize());
        }
    }

    /** The whole disk. */
    public static Volume of(DiskImage disk) {
        return new Volume(disk, 0, disk.virtualSize());
    }

    /**
     * Fills {@code dst} (position to limit) with the bytes at {@code at} of the volume. A range outside the volume is
     * damage in the file system ({@link FsException}); a range the image cannot give (an L2 entry past the end of its
     * file, an I/O error) is a read error of the disk ({@link UnreadableDiskException}), as firmware reports it.
     */
    void read(long at, ByteBuffer dst) throws IOException {
        if (at < 0 || at > size - dst.remaining()) {
            throw FsException.damaged(disk.path() + ": file system points past the end of its "
                    + (offset == 0 && size == disk.virtualSize() ? "disk" : "partition") + " (byte " + at + ")");
        }
        try {
            disk.read(offset + at, dst);
        } catch (IOException e) {
            throw new UnreadableDiskException(e.getMessage(), e);
        }
    }

    /** Writes {@code src} at {@code at} of the volume, which it must lie inside. */
    void write(long at, ByteBuffer src) throws IOException {
        if (at < 0 || at > size - src.remaining()) {
            throw FsException.damaged(disk.path() + ": a write past the end of the file system (byte " + at + ")");
        }
        disk.write(offset + at, src);
    }

    /** {@code length} bytes at {@code at}, for a structure of known small size. */
    ByteBuffer read(long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        read(at, b);
        return b.clear();
    }
}
