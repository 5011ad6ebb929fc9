package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What differs between two file backups ({@link Backups#diffFiles}), as {@code restic diff} reports it.
 *
 * <pre>{@code
 * FileDiff d = lab.backups("/srv/backups", "").diffFiles("60239dcd", "latest");
 * for (FileDiff.Change c : d.changes()) {
 *     System.out.println(c.change() + " " + c.path());
 * }
 * }</pre>
 *
 * @param from the older backup's full id (the one named first)
 * @param to the newer backup's full id
 * @param changes every entry that differs, in path order, a directory before what is below it
 * @param bytesAdded content of the listed files that {@code to} holds and {@code from} does not, counted by chunk
 * @param bytesRemoved content of the listed files that {@code from} holds and {@code to} does not
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record FileDiff(String from, String to, List<Change> changes, long bytesAdded, long bytesRemoved) {

    /** Copies the list. */
    public FileDiff {
        changes = List.copyOf(changes);
    }

    /**
     * One entry that differs. Change times, inodes and devices are not compared: a restore or a copy changes them while
     * the file stays what it was.
     *
     * @param change {@code added} (only in {@code to}), {@code removed} (only in {@code from}), {@code modified} (its
     *     content, a link's target or a device's number), {@code metadata} (only permissions, owner, modification
     *     time, links or extended attributes), or {@code type} (a file that became a directory, say)
     * @param path its absolute path, names as {@link FileEntry} shows them
     * @param type its type in {@code to} ({@code from}'s when it was removed), as {@link FileEntry#type()}
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    public record Change(String change, String path, String type) {}
}
