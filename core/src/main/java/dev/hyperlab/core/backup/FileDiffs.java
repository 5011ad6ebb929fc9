package dev.hyperlab.core.backup;

import dev.hyperlab.core.hostfs.FileType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares the trees of two file backups, as {@code restic diff} does: both trees are walked side by side in name
 * order (the order trees store), and a subtree whose id is the same on both sides is not read at all, so two backups of
 * a large tree in which little changed cost a few tree reads.
 *
 * <p>Change times, inodes and devices are not compared: a restore, a copy to another disk or a reboot changes them
 * while the file stays what it was.
 */
final class FileDiffs {
    /**
     * At most this many differences: trees shared by many directories (deduplication makes that cheap to store) could
     * otherwise make a hostile repository's diff list without end.
     */
    static final int MAX_CHANGES = 1_000_000;

    /** Two trees compared. */
    private record Pair(ObjectId from, ObjectId to) {}

    /** Where the trees come from: {@link Trees#load}, read and checked from the repository. */
    interface TreeLoader {
        List<TreeNode> load(ObjectId id) throws IOException;
    }

    private final TreeLoader trees;
    private final List<FileChange> changes = new ArrayList<>();
    /** Chunks of the listed files' content: bytes per blob, in the older backup and in the newer. */
    private final Map<ObjectId, Long> oldBlobs = new HashMap<>();
    private final Map<ObjectId, Long> newBlobs = new HashMap<>();
    private final List<byte[]> at = new ArrayList<>();
    /**
     * Pairs of different trees found to differ in nothing that is compared (what is deeper than the walk goes, or
     * only change times): not walked again where a tree shared by many directories meets them again, which would
     * otherwise let a hostile repository's trees make the walk exponential while listing nothing.
     */
    private final Set<Pair> alike = new HashSet<>();

    private FileDiffs(TreeLoader trees) {
        this.trees = trees;
    }

    /** The differences from the backup whose root tree is {@code from} to the one whose root is {@code to}. */
    static FileDiffResult diff(TreeLoader trees, String fromId, ObjectId from, String toId, ObjectId to)
            throws IOException {
        FileDiffs d = new FileDiffs(trees);
        d.trees(from, to);
        return new FileDiffResult(fromId, toId, d.changes, only(d.newBlobs, d.oldBlobs), only(d.oldBlobs, d.newBlobs));
    }

    private static long only(Map<ObjectId, Long> in, Map<ObjectId, Long> notIn) {
        long n = 0;
        for (Map.Entry<ObjectId, Long> e : in.entrySet()) {
            if (!notIn.containsKey(e.getKey())) {
                n += e.getValue();
            }
        }
        return n;
    }

    private void trees(ObjectId from, ObjectId to) throws IOException {
        Pair pair = new Pair(from, to);
        if (Objects.equals(from, to) || at.size() > FileBackup.MAX_DEPTH || alike.contains(pair)) {
            return;
        }
        int before = changes.size();
        List<TreeNode> a = from == null ? List.of() : trees.load(from);
        List<TreeNode> b = to == null ? List.of() : trees.load(to);
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            int c = i == a.size() ? 1 : j == b.size() ? -1 : Arrays.compareUnsigned(a.get(i).name(), b.get(j).name());
            if (c < 0) {
                entry(a.get(i++), null);
            } else if (c > 0) {
                entry(null, b.get(j++));
            } else {
                entry(a.get(i++), b.get(j++));
            }
        }
        if (changes.size() == before) {
            alike.add(pair);
        }
    }

    /** One name: in the older backup only ({@code n} null), the newer only ({@code o} null), or both. */
    private void entry(TreeNode o, TreeNode n) throws IOException {
        at.add((n == null ? o : n).name());
        try {
            if (n == null) {
                add(FileChange.Kind.REMOVED, o);
                content(o, oldBlobs);
                if (o.type() == FileType.DIRECTORY) {
                    trees(o.subtree(), null);
                }
            } else if (o == null) {
                add(FileChange.Kind.ADDED, n);
                content(n, newBlobs);
                if (n.type() == FileType.DIRECTORY) {
                    trees(null, n.subtree());
                }
            } else if (o.type() != n.type()) {
                add(FileChange.Kind.TYPE, n);
                content(o, oldBlobs);
                content(n, newBlobs);
                // what was below the directory is gone, or new, as much as if it had been removed or added
                trees(o.type() == FileType.DIRECTORY ? o.subtree() : null,
                        n.type() == FileType.DIRECTORY ? n.subtree() : null);
            } else if (o.type() == FileType.DIRECTORY) {
                if (!sameMetadata(o, n)) {
                    add(FileChange.Kind.METADATA, n);
                }
                trees(o.subtree(), n.subtree());
            } else if (!sameContent(o, n)) {
                add(FileChange.Kind.MODIFIED, n);
                content(o, oldBlobs);
                content(n, newBlobs);
            } else if (!sameMetadata(o, n)) {
                add(FileChange.Kind.METADATA, n);
            }
        } finally {
            at.removeLast();
        }
    }

    private void add(FileChange.Kind kind, TreeNode e) throws RepositoryException {
        if (changes.size() >= MAX_CHANGES) {
            throw new RepositoryException("more than " + MAX_CHANGES + " entries differ between these backups: too"
                    + " many to list");
        }
        changes.add(new FileChange(kind, FileSelection.display(at), FileListings.type(e.type())));
    }

    private static void content(TreeNode e, Map<ObjectId, Long> blobs) {
        for (Piece p : e.content()) {
            blobs.merge(p.blob(), (long) p.length(), Math::max);
        }
    }

    private static boolean sameContent(TreeNode o, TreeNode n) {
        return o.size() == n.size() && o.rdev() == n.rdev() && Arrays.equals(o.target(), n.target())
                && o.content().equals(n.content());
    }

    private static boolean sameMetadata(TreeNode o, TreeNode n) {
        return o.mode() == n.mode() && o.uid() == n.uid() && o.gid() == n.gid() && o.user().equals(n.user())
                && o.group().equals(n.group()) && o.mtimeSec() == n.mtimeSec() && o.mtimeNsec() == n.mtimeNsec()
                && o.nlink() == n.nlink() && TreeNode.sameXattrs(o.xattrs(), n.xattrs());
    }
}
