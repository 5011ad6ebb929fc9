package dev.hyperlab.core.storage.fs;

import java.io.IOException;

/** Where an ext file's blocks are: an extent tree ({@link Ext4Extents}) or ext2's block map ({@link Ext4BlockMap}). */
interface Ext4Mapping {

    /**
     * One file as its mapping sees it.
     *
     * @param volume the file system's volume
     * @param blockSize its block size
     * @param blocks its block count: no block number reaches it
     * @param root the inode's 60 bytes of i_block
     * @param fileBlocks the blocks the file's size covers: the mapping past them is ignored
     * @param what the file, for errors
     */
    record File(Volume volume, int blockSize, long blocks, java.nio.ByteBuffer root, long fileBlocks, String what) {}

    /** A run of the file's stored blocks. */
    @FunctionalInterface
    interface Run {
        /** Blocks {@code [logical, logical + length)} of the file are at {@code physical} on the volume. */
        void run(long logical, long physical, int length) throws IOException;
    }

    /**
     * Gives the file's stored runs in increasing logical order, each within the file system and the file's size; holes
     * and unwritten extents are left out. A mapping that goes backwards, repeats a block of itself or points outside the
     * file system is damage: the walk ends in an {@link FsException}, never a loop.
     */
    void walk(Run run) throws IOException;
}
