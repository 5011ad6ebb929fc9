package dev.hyperlab.core.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * ext2's block map (also ext3's, and ext4's for files made without extents): i_block holds 12 direct block numbers,
 * then a single, a double and a triple indirect block of 32-bit numbers. Block 0 is a hole. Adjacent blocks are given
 * as one run.
 */
final class Ext4BlockMap implements Ext4Mapping {
    private static final int DIRECT = 12;

    private final File file;
    private final Set<Long> visited = new HashSet<>();
    private long runLogical;
    private long runPhysical;
    private int runLength;

    Ext4BlockMap(File file) {
        this.file = file;
    }

    @Override
    public void walk(Run run) throws IOException {
        visited.clear();
        runLength = 0;
        long perBlock = file.blockSize() / 4;
        for (int i = 0; i < DIRECT && i < file.fileBlocks(); i++) block(i, file.root().getInt(4 * i) & 0xffffffffL, run);
        long first = DIRECT;
        long span = 1;
        for (int level = 1; level <= 3 && first < file.fileBlocks(); level++) {
            span *= perBlock;
            indirect(file.root().getInt(4 * (DIRECT + level - 1)) & 0xffffffffL, level, first, run);
            first += span;
        }
        flush(run);
    }

    /** An indirect block of {@code level} (1 single, 2 double, 3 triple) mapping the blocks from {@code first} on. */
    private void indirect(long at, int level, long first, Run run) throws IOException {
        if (at == 0) return; // a hole as large as the whole subtree
        if (at >= file.blocks() || !visited.add(at)) throw FsException.damaged(file.what() + " has an indirect block at " + at);
        ByteBuffer b = file.volume().read(at * file.blockSize(), file.blockSize());
        long perBlock = file.blockSize() / 4;
        long span = 1;
        for (int l = 1; l < level; l++) span *= perBlock;
        for (int i = 0; i < perBlock; i++) {
            long logical = first + i * span;
            if (logical >= file.fileBlocks()) return;
            long child = b.getInt(4 * i) & 0xffffffffL;
            if (level == 1) {
                block(logical, child, run);
            } else {
                indirect(child, level - 1, logical, run);
            }
        }
    }

    private void block(long logical, long physical, Run run) throws IOException {
        if (physical == 0) return;
        if (physical >= file.blocks()) throw FsException.damaged(file.what() + " maps block " + logical + " to block " + physical);
        if (runLength > 0 && runLogical + runLength == logical && runPhysical + runLength == physical && runLength < 1 << 20) {
            runLength++;
            return;
        }
        flush(run);
        runLogical = logical;
        runPhysical = physical;
        runLength = 1;
    }

    private void flush(Run run) throws IOException {
        if (runLength > 0) run.run(runLogical, runPhysical, runLength);
        runLength = 0;
    }
}
