package dev.hyperlab.core.storage.fs;

/**
 * An entry of a file system inside an image, as {@code ls -l} shows it. Names are bytes: ext4 names need not be UTF-8;
 * FAT long names are UTF-16 on disk and given here as UTF-8.
 *
 * @param name the entry's name (empty for the root)
 * @param kind what it is
 * @param mode permission bits with set-id and sticky bits ({@code 0755}); FAT has none, so a fixed {@code 0755} for
 *     directories and {@code 0644} for files ({@code 0555}, {@code 0444} when read-only), as Linux shows FAT by default
 * @param uid owner's id (0 on FAT)
 * @param gid group's id (0 on FAT)
 * @param size a regular file's or symbolic link's length in bytes; 0 for the rest
 * @param dataBytes a regular file's bytes that are stored (less than {@code size} for a sparse file)
 * @param mtimeSeconds modification time, seconds since 1970 UTC (FAT's local time is taken as UTC)
 * @param mtimeNanos its nanoseconds
 * @param ctimeSeconds inode change time, seconds since 1970 UTC (FAT has none: its modification time)
 * @param ctimeNanos its nanoseconds
 * @param links hard links
 * @param target a symbolic link's target; empty otherwise
 * @param ref where the file system finds the entry (an ext4 inode number, a FAT first cluster)
 */
public record FsNode(byte[] name, Kind kind, int mode, long uid, long gid, long size, long dataBytes, long mtimeSeconds,
        int mtimeNanos, long ctimeSeconds, int ctimeNanos, long links, byte[] target, long ref) {

    /** The kinds of entry a file system holds. */
    public enum Kind { FILE, DIRECTORY, SYMLINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE, SOCKET }

    public boolean isDirectory() {
        return kind == Kind.DIRECTORY;
    }
}
