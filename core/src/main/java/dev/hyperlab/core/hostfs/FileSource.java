package dev.hyperlab.core.hostfs;

import java.io.IOException;
import java.util.List;

/**
 * A tree of files as a file backup walks it: names as bytes, directories as descriptors, every name resolved relative
 * to an open directory without following a symbolic link. {@link HostFs} is this machine's file system; a lab host's
 * file systems, read from its disk images, are another ({@code storage.fs.HostDiskFiles}). Descriptors are plain ints
 * the caller closes with {@link #close(int)}. A failure about one name is a {@link PosixException} naming what was
 * done and why; any other {@link IOException} (a damaged file system in an image) ends the walk.
 */
public interface FileSource {
    /** Stands for the root (absolute names) and the current directory (relative ones), as {@code AT_FDCWD}. */
    int CWD = Posix.AT_FDCWD;

    /** Opens directory {@code name} (relative to {@code dir}) for listing, refusing a symbolic link. */
    int openDirectory(int dir, byte[] name, String what) throws IOException;

    /** Opens regular file {@code name} for reading, without following a symbolic link. */
    int openForReading(int dir, byte[] name, String what) throws IOException;

    /** A descriptor that only names {@code name} (not following a link): for {@link #stat} and lookups below it. */
    int openPath(int dir, byte[] name, String what) throws IOException;

    /** Closes a descriptor. */
    void close(int fd);

    /** What {@code name} (relative to {@code dir}) is, not following a symbolic link. */
    FileStat stat(int dir, byte[] name, String what) throws IOException;

    /** What the open descriptor {@code fd} is. */
    FileStat stat(int fd, String what) throws IOException;

    /** The names in open directory {@code fd}, without {@code .} and {@code ..}. */
    List<DirEntry> list(int fd, String what) throws IOException;

    /** Reads up to {@code len} bytes at {@code pos} of open file {@code fd}; returns how many, fewer only at its end. */
    int read(int fd, long pos, byte[] buf, int off, int len, String what) throws IOException;

    /**
     * The start of the first data at or after {@code pos}, or -1 when only a hole follows; or, with {@code hole}, the
     * start of the next hole (the end of the file at the latest).
     */
    long seek(int fd, long pos, boolean hole, String what) throws IOException;

    /** The target of symbolic link {@code name}. */
    byte[] readLink(int dir, byte[] name, String what) throws IOException;

    /** The extended attributes of open {@code fd}. */
    List<Xattr> xattrs(int fd, String what) throws PosixException;

    /** The extended attributes of {@code name} in {@code dir}, not following a symbolic link. */
    List<Xattr> xattrsAt(int dir, byte[] name, String what) throws PosixException;

    /** The name of user {@code uid}, or empty when the source has none. */
    String userName(int uid);

    /** The name of group {@code gid}, or empty when the source has none. */
    String groupName(int gid);

    /**
     * Whether open directory {@code fd} (on device {@code dev}) is on a file system known to move a directory's
     * modification and change times whenever a name in it is added, removed or renamed, so that a directory whose
     * times have not moved since it was listed still holds the names it held (a file backup then need not list it
     * again). False unless the source knows: network, pseudo and union file systems are not counted on.
     */
    default boolean timesCoverNames(int fd, long dev) {
        return false;
    }

    /**
     * Another instance of this source for the calling thread (which closes it when it is {@link AutoCloseable}), to
     * {@link #stat} names of directories this one opened; null when the source has none (it is not to be shared).
     */
    default FileSource another() throws IOException {
        return null;
    }
}
