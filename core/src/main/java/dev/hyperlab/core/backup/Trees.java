package dev.hyperlab.core.backup;

import java.io.IOException;
import java.util.List;

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
}
