package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.fs.FileSystem;
import dev.hyperlab.core.storage.fs.FileSystems;
import dev.hyperlab.core.storage.fs.FsNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Where the files of a disk's file systems begin and end on the disk, for {@link DedupStrategy} to end chunks there.
 *
 * <p>Why: two installs of the same files (two VMs set up from the same media) lay the files down in orders and places
 * of their own, among metadata of their own (UUIDs, times, inode numbers). A chunk that runs across a file boundary
 * holds the neighbour's bytes too, so it is new wherever the neighbours differ: with many small files, most chunks
 * are. Chunks that stop where each file's blocks start and end hold one file's bytes (and a last block's padding)
 * each, so the same file gives the same chunks wherever it lies, as a file-level backup would; only the metadata
 * between files is new. Within a file the content still decides the cuts.
 *
 * <p>Only an aid: a disk without a file system hyperlab reads (ext2/3/4 today), or a damaged one, gets the cuts found
 * before the damage or none, and its chunks are the content's alone. The image is untrusted, so the walk is bounded:
 * at most {@link #MAX_NODES} entries visited and {@link #MAX_CUTS} boundaries kept.
 */
final class FileBoundaries {
    /** Directory entries visited at most: a million-file root file system, and a bound for a hostile one. */
    static final int MAX_NODES = 4_000_000;
    /** Boundaries kept at most (8 bytes each): 32 MiB. */
    static final int MAX_CUTS = 4 << 20;

    private long[] cuts = new long[1024];
    private int count;
    private int nodes;

    private FileBoundaries() {}

    /** The disk offsets where files' stored bytes begin or end, ascending, without repeats. */
    static long[] of(DiskImage disk) {
        FileBoundaries b = new FileBoundaries();
        try {
            for (FileSystems.Partition p : FileSystems.partitions(disk)) {
                b.partition(disk, p);
            }
        } catch (IOException | RuntimeException e) {
            // no table hyperlab reads, or a damaged one: the cuts found so far are as good as any
        }
        long[] out = Arrays.copyOf(b.cuts, b.count);
        Arrays.sort(out);
        int n = 0;
        for (int i = 0; i < out.length; i++) {
            if (n == 0 || out[i] != out[n - 1]) out[n++] = out[i];
        }
        return Arrays.copyOf(out, n);
    }

    private void partition(DiskImage disk, FileSystems.Partition p) {
        try {
            FileSystem fs = FileSystems.open(disk, p.number());
            Deque<FsNode> dirs = new ArrayDeque<>();
            Set<Long> seen = new HashSet<>(); // membership only: a directory linked twice is listed once
            dirs.push(fs.root());
            while (!dirs.isEmpty() && nodes < MAX_NODES && count < MAX_CUTS) {
                for (FsNode n : fs.list(dirs.pop())) {
                    if (++nodes > MAX_NODES || count >= MAX_CUTS) return;
                    if (n.isDirectory()) {
                        if (seen.add(n.ref())) dirs.push(n);
                    } else if (n.kind() == FsNode.Kind.FILE && n.dataBytes() > 0) {
                        file(fs, n, p.offset());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no file system hyperlab reads here, or damage: keep what was found before it
        }
    }

    /** A cut where each run of the file's blocks begins and ends, except between runs that follow on the disk. */
    private void file(FileSystem fs, FsNode n, long base) throws IOException {
        long[] end = {-1};
        fs.placement(n, (offset, length) -> {
            if (offset != end[0]) {
                if (end[0] >= 0) add(base + end[0]);
                add(base + offset);
            }
            end[0] = offset + length;
        });
        if (end[0] >= 0) add(base + end[0]);
    }

    private void add(long cut) {
        if (count == cuts.length) {
            if (count >= MAX_CUTS) return;
            cuts = Arrays.copyOf(cuts, Math.min(MAX_CUTS, count * 2));
        }
        cuts[count++] = cut;
    }
}
