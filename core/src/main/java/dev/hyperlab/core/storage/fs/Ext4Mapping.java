package dev.hyperlab.core.storage.fs;

import java.io.IOException;

/** Where an ext file's blocks are: an extent tree ({@link Ext4Extents}) or ext2's block map ({@link Ext4BlockMap}). */
interface Ext4Mapping {

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
