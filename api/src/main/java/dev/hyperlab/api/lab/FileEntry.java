package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * One entry of a file backup, as {@code backup ls} shows it.
 *
 * <pre>{@code
 * for (FileEntry e : lab.backups("/srv/backups", "").listFiles("60239dcd", "/etc", false)) {
 *     System.out.println(e.mode() + " " + e.size() + " " + e.path());
 * }
 * }</pre>
 *
 * <p>Names are bytes on Linux and need not be text: a path shows printable UTF-8 as it is, a backslash as {@code \\}
 * and any other byte (a newline, a byte that is not UTF-8) as {@code \xNN}. Paths and patterns given back to
 * {@link Backups#listFiles} and {@link Backups#restoreFiles} are read the same way.
 *
 * @param path absolute path in the backup
 * @param type {@code file}, {@code directory}, {@code symlink}, {@code fifo}, {@code char-device},
 *     {@code block-device} or {@code socket}
 * @param mode permission bits in octal with set-id and sticky bits ({@code 0644}, {@code 4755})
 * @param user owner's name, as the backed-up machine knew it (empty when it had none)
 * @param group group's name (empty when it had none)
 * @param uid owner's id
 * @param gid group's id
 * @param size a regular file's length in bytes; 0 otherwise
 * @param dataBytes a regular file's bytes that are not holes (less than {@code size} for a sparse file)
 * @param modified modification time, ISO-8601 UTC with nanoseconds
 * @param target a symbolic link's target; empty otherwise
 * @param links hard links the file had
 * @param xattrs names of its extended attributes ({@code user.comment}, {@code security.selinux})
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record FileEntry(String path, String type, String mode, String user, String group, int uid, int gid, long size,
        long dataBytes, String modified, String target, long links, List<String> xattrs) {

    /** Copies the list. */
    public FileEntry {
        xattrs = List.copyOf(xattrs);
    }
}
