package dev.hyperlab.core.backup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads the tree blobs of file backups back: verified against their ids, then checked entry by entry. */
final class Trees {
    private final RepositoryIndex index;
    private final BlobReader reader;

    Trees(RepositoryIndex index, BlobReader reader) {
        this.index = index;
        this.reader = reader;
    }

    /**
     * The entries of tree {@code id}.
     *
     * @throws RepositoryException when it is missing, damaged, not a tree, or says what no backup writes
     */
    List<TreeNode> load(ObjectId id) throws IOException {
        String what = "tree " + id.shortHex();
        var loc = index.get(id);
        if (loc.isPresent() && loc.get().type() != BlobType.TREE) {
            throw new RepositoryException(what + " is damaged: the index lists it as a " + loc.get().type().name()
                    .toLowerCase(java.util.Locale.ROOT) + " blob");
        }
        return FileTree.decode(reader.read(id), what);
    }

    /**
     * Adds to {@code out} every tree and content blob reachable from tree {@code root}, each tree before what it
     * lists. Trees already in {@code walked} (shared with a backup walked before) are not walked again; the ones
     * walked here are added to it.
     *
     * @throws RepositoryException when a tree cannot be read
     */
    void reach(ObjectId root, Set<ObjectId> walked, Set<ObjectId> out) throws IOException {
        List<ObjectId> stack = new ArrayList<>(List.of(root));
        while (!stack.isEmpty()) {
            ObjectId t = stack.removeLast();
            if (!walked.add(t)) {
                continue;
            }
            out.add(t);
            for (TreeNode e : load(t)) {
                if (e.subtree() != null) {
                    stack.add(e.subtree());
                }
                for (Piece p : e.content()) {
                    out.add(p.blob());
                }
            }
        }
    }
}
