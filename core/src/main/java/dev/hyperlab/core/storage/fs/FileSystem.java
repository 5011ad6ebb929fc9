package dev.hyperlab.core.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A file system inside a disk image, read-only. Every structure read from the image is checked before use, so a
 * hostile image ends in an {@link FsException}, never a hang, an exception of another kind or an allocation a number in
 * the image chose.
 */
public interface FileSystem {

    /** What a file's stored bytes are given to: consecutive ranges in increasing order; what lies between is a hole. */
    @FunctionalInterface
    interface DataSink {
        /** The file's bytes at {@code offset} (position to limit of {@code bytes}, valid only during the call). */
        void data(long offset, ByteBuffer bytes) throws IOException;
    }

    /** {@code ext4}, {@code ext3}, {@code ext2}, {@code fat12}, {@code fat16} or {@code fat32}. */
    String type();

    /** The volume label, empty when there is none. */
    String label();

    /** The root directory. */
    FsNode root() throws IOException;

    /** The entries of directory {@code dir}, without {@code .} and {@code ..}, in the order the directory holds them. */
    List<FsNode> list(FsNode dir) throws IOException;

    /**
     * Gives regular file {@code file}'s stored bytes to {@code sink}, at most 1 MiB a call, ranges in increasing order;
     * ranges never written (holes, unwritten extents) are left out: they read as zeros up to {@link FsNode#size()}.
     */
    default void read(FsNode file, DataSink sink) throws IOException {
        read(file, 0, Long.MAX_VALUE, sink);
    }

    /**
     * As {@link #read(FsNode, DataSink)}, only the stored bytes in {@code [from, to)} of the file: a file read piece by
     * piece (a file backup's reads) costs each piece, not the file up to it.
     */
    void read(FsNode file, long from, long to, DataSink sink) throws IOException;

    /** Where a regular file's stored bytes are. */
    @FunctionalInterface
    interface RangeSink {
        /** The file's bytes {@code [offset, offset + length)} are stored (the next range starts after them). */
        void range(long offset, long length) throws IOException;
    }

    /**
     * Gives the ranges of regular file {@code file} that hold stored bytes, in increasing order and within its size:
     * what lies between is a hole ({@code SEEK_DATA}/{@code SEEK_HOLE} answer from them). A file system without holes
     * gives the whole file.
     */
    default void dataRanges(FsNode file, RangeSink sink) throws IOException {
        if (file.size() > 0) sink.range(0, file.size());
    }

    /** Where a file's stored bytes lie on its volume. */
    @FunctionalInterface
    interface PlacementSink {
        /** {@code length} bytes at {@code offset} of the volume hold the file's next stored bytes. */
        void run(long offset, long length) throws IOException;
    }

    /**
     * Gives the ranges of the volume that hold regular file {@code file}'s stored bytes, in the file's order, whole
     * blocks (a last block's bytes past the end of the file included); holes and data kept in the file's metadata
     * (inline data) give none. A file system that does not say where its files lie gives none at all.
     */
    default void placement(FsNode file, PlacementSink sink) throws IOException {}

    /** Whether a directory entry called {@code entry} answers to {@code wanted}: the same bytes (FAT ignores case). */
    default boolean matches(byte[] entry, byte[] wanted) {
        return java.util.Arrays.equals(entry, wanted);
    }
}
