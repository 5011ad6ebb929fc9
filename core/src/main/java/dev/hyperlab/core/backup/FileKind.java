package dev.hyperlab.core.backup;

/**
 * The kinds of file a repository holds, each in its own directory. Every kind but {@link #CONFIG}, {@link #LOCK} and
 * {@link #TEMP} is named by the id of its content, so a file's name proves what it must hold.
 */
public enum FileKind {
    /** {@code config}: format version, id, compression level, whether encrypted. Written once by init. */
    CONFIG("config"),
    /** {@code keys/ID}: a password-sealed copy of the master keys of an encrypted repository. */
    KEY("keys"),
    /** {@code data/XX/ID}: pack files holding blobs; XX are the first two hex digits of ID. */
    PACK("data"),
    /** {@code index/ID}: which pack holds each blob, at which offset. */
    INDEX("index"),
    /** {@code backups/ID}: one manifest per backup; ID is the backup's id. */
    MANIFEST("backups"),
    /** {@code locks/NAME}: one file per process using the repository. */
    LOCK("locks"),
    /** {@code tmp/NAME}: files being written; left over only by an interrupted process. */
    TEMP("tmp");

    private final String dir;

    FileKind(String dir) {
        this.dir = dir;
    }

    /** The directory (or, for {@link #CONFIG}, the file) name under the repository root. */
    public String dir() {
        return dir;
    }
}
