package dev.hyperlab.core.backup;

import java.util.List;

/**
 * One entry of a file backup, as {@code backup ls} shows it.
 *
 * @param path its absolute path in the backup, names as {@code backup ls} shows them ({@code \xNN} for bytes that are
 *     not printable UTF-8, {@code \\} for a backslash)
 * @param type {@code file}, {@code directory}, {@code symlink}, {@code fifo}, {@code char-device},
 *     {@code block-device} or {@code socket}
 * @param mode permission bits with set-id and sticky bits ({@code 07777})
 * @param size a regular file's length; 0 otherwise
 * @param dataBytes a regular file's bytes that are not holes
 * @param mtimeSec modification time, seconds since the epoch
 * @param mtimeNsec and nanoseconds
 * @param target a symbolic link's target (shown as names are); empty otherwise
 * @param links hard links the file had
 * @param xattrs names of its extended attributes
 */
public record FileListing(String path, String type, int mode, int uid, int gid, String user, String group, long size,
        long dataBytes, long mtimeSec, int mtimeNsec, String target, long links, List<String> xattrs) {

    /** Copies the list. */
    public FileListing {
        xattrs = List.copyOf(xattrs);
    }
}
