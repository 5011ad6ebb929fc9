package dev.hyperlab.core.hostfs;

/**
 * What {@code statx} says about a file, without following a symbolic link. Times are seconds and nanoseconds since
 * the epoch, kept apart so that any time a file system holds is represented exactly.
 *
 * @param type its kind
 * @param mode permission bits, with set-user-id, set-group-id and sticky ({@code 07777})
 * @param nlink hard links to it
 * @param uid owner
 * @param gid group
 * @param ino inode number
 * @param dev the device holding it: {@code major << 32 | minor}
 * @param rdev for a device file, the device it is: {@code major << 32 | minor}
 * @param size length in bytes
 * @param blocks 512-byte blocks allocated (less than {@code size / 512} for a sparse file)
 */
public record FileStat(FileType type, int mode, long nlink, int uid, int gid, long ino, long dev, long rdev, long size,
        long blocks, long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec, long ctimeSec, int ctimeNsec) {

    /** Whether it may hold holes: fewer blocks allocated than its length needs. */
    public boolean maybeSparse() {
        return blocks * 512 < size;
    }

    /** This stat with another size: a file that ended before its stat said, read to where it ended. */
    public FileStat withSize(long length) {
        return new FileStat(type, mode, nlink, uid, gid, ino, dev, rdev, length, blocks, atimeSec, atimeNsec, mtimeSec,
                mtimeNsec, ctimeSec, ctimeNsec);
    }

    /** Whether size, modification and change times are those of {@code other}: the content was not touched between. */
    public boolean sameContent(FileStat other) {
        return size == other.size && mtimeSec == other.mtimeSec && mtimeNsec == other.mtimeNsec
                && ctimeSec == other.ctimeSec && ctimeNsec == other.ctimeNsec && ino == other.ino;
    }
}
