package dev.hyperlab.core.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * An ext4 extent tree: a 12-byte header (magic 0xF30A, entries, capacity, depth) then index entries (depth > 0) or
 * extents (depth 0), the root in the inode's i_block and the rest in blocks of their own. Extents longer than 32,768
 * blocks are unwritten (preallocated): they read as zeros, as holes do.
 */
final class Ext4Extents implements Ext4Mapping {
    private static final int MAGIC = 0xF30A;
    /** The kernel's limit (EXT4_MAX_EXTENT_DEPTH). */
    private static final int MAX_DEPTH = 5;
    private static final int INIT_MAX_LEN = 32768;

    private final File file;
    private final Set<Long> visited = new HashSet<>();
    /** The first logical block the next extent may start at: the tree is sorted and extents do not overlap. */
    private long next;

    Ext4Extents(File file) {
        this.file = file;
    }

    @Override
    public void walk(Run run) throws IOException {
        next = 0;
        visited.clear();
        node(file.root(), -1, run);
    }

    /** Walks one node; {@code depth} is what its parent expects (-1 for the root: any depth up to the limit). */
    private void node(ByteBuffer b, int depth, Run run) throws IOException {
        int magic = b.getShort(0) & 0xffff;
        int entries = b.getShort(2) & 0xffff;
        int max = b.getShort(4) & 0xffff;
        int d = b.getShort(6) & 0xffff;
        if (magic != MAGIC) throw damaged("has no extent header");
        if (entries > max || max > (b.capacity() - 12) / 12 || d > MAX_DEPTH || (depth >= 0 && d != depth)) {
            throw damaged("has an extent node of " + entries + "/" + max + " entries at depth " + d);
        }
        for (int e = 0; e < entries; e++) {
            int at = 12 + 12 * e;
            long logical = b.getInt(at) & 0xffffffffL;
            if (logical >= file.fileBlocks()) return; // past the file's end: a truncated file's leftovers
            if (logical < next) throw damaged("has extents out of order at block " + logical);
            if (d == 0) {
                int len = b.getShort(at + 4) & 0xffff;
                boolean unwritten = len > INIT_MAX_LEN;
                if (unwritten) len -= INIT_MAX_LEN;
                long physical = (b.getShort(at + 6) & 0xffffL) << 32 | (b.getInt(at + 8) & 0xffffffffL);
                if (len == 0 || physical > file.blocks() - len) throw damaged("has an extent of " + len + " blocks at block " + physical);
                next = logical + len;
                int within = (int) Math.min(len, file.fileBlocks() - logical);
                if (!unwritten) run.run(logical, physical, within);
            } else {
                long child = (b.getShort(at + 8) & 0xffffL) << 32 | (b.getInt(at + 4) & 0xffffffffL);
                if (child >= file.blocks() || !visited.add(child)) throw damaged("has an extent index pointing to block " + child);
                next = logical;
                node(file.volume().read(child * file.blockSize(), file.blockSize()), d - 1, run);
            }
        }
    }

    private FsException damaged(String problem) {
        return FsException.damaged(file.what() + " " + problem);
    }
}
