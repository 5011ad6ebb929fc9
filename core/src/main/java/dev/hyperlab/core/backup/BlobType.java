package dev.hyperlab.core.backup;

/** What a blob holds. The type is part of a sealed blob's associated data, so a blob cannot pass for the other type. */
enum BlobType {
    /** A chunk of disk data. */
    DATA(0),
    /** A page of a disk map: which blobs hold which ranges of one GiB of a disk. */
    MAP(1),
    /** A directory of a file backup: its entries, their metadata and the blobs of their content. */
    TREE(2);

    final int code;

    BlobType(int code) {
        this.code = code;
    }

    /** The most bytes a blob of this type holds: what a reader may allocate for one, whatever an index says. */
    int maxRaw() {
        return switch (this) {
            case DATA -> BackupPipeline.MAX_CHUNK;
            case MAP -> DiskMap.MAX_PAGE_BYTES;
            case TREE -> FileTree.MAX_BYTES;
        };
    }

    static BlobType of(int code, String what) throws RepositoryException {
        for (BlobType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new RepositoryException(what + " names an unknown blob type " + code);
    }
}
