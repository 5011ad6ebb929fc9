package dev.hyperlab.core.backup;

/** What a blob holds. The type is part of a sealed blob's associated data, so a blob cannot pass for the other type. */
enum BlobType {
    /** A chunk of disk data. */
    DATA(0),
    /** A page of a disk map: which blobs hold which ranges of one GiB of a disk. */
    MAP(1);

    final int code;

    BlobType(int code) {
        this.code = code;
    }

    /** The most bytes a blob of this type holds: what a reader may allocate for one, whatever an index says. */
    int maxRaw() {
        return this == DATA ? BackupPipeline.MAX_CHUNK : DiskMap.MAX_PAGE_BYTES;
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
