package dev.hyperlab.core.backup;

/**
 * The kinds of file a repository holds, each in its own directory. Every kind but {@link #CONFIG}, {@link #LOCK} and
 * {@link #TEMP} is named by the id of its content, so a file's name proves what it must hold.
 */
public enum FileKind {
    /** {@code config}: format version, id, compression level, whether encrypted. Written once by init. */
    CONFIG("config", 64 << 10),
    /** {@code keys/ID}: a password-sealed copy of the master keys of an encrypted repository. */
    KEY("keys", 64 << 10),
    /** {@code data/XX/ID}: pack files holding blobs; XX are the first two hex digits of ID. Only read in parts. */
    PACK("data", 0),
    /**
     * {@code index/ID}: which pack holds each blob, at which offset. As large as the repository needs (46 bytes a
     * blob; prune writes one for all packs), so only a Java array bounds it: as in restic, memory follows the index.
     */
    INDEX("index", Integer.MAX_VALUE - 16),
    /** {@code backups/ID}: one manifest per backup; ID is the backup's id. A 64 TiB disk's pages take about 6 MiB. */
    MANIFEST("backups", 64 << 20),
    /** {@code locks/NAME}: one file per process using the repository. */
    LOCK("locks", 64 << 10),
    /** {@code tmp/NAME}: files being written; left over only by an interrupted process. Never read. */
    TEMP("tmp", 0);

    private final String dir;
    private final int maxLoad;

    FileKind(String dir, int maxLoad) {
        this.dir = dir;
        this.maxLoad = maxLoad;
    }

    /** The directory (or, for {@link #CONFIG}, the file) name under the repository root. */
    public String dir() {
        return dir;
    }

    /**
     * The largest file of this kind that is read whole: far above what hyperlab writes, so that a file of a hostile
     * repository cannot make a reader allocate gigabytes. Zero for kinds never read whole.
     */
    public int maxLoad() {
        return maxLoad;
    }
}
