package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#copy} did.
 *
 * <pre>{@code
 * Backups local = lab.backups("/srv/backups", "");
 * BackupCopy c = local.copy(lab.backups("s3:http://127.0.0.1:9000/offsite/lab", "secret"), List.of());
 * System.out.println(c.backups().size() + " backups, " + c.blobsCopied() + " blobs copied");
 * }</pre>
 *
 * @param from the repository copied from
 * @param to the repository copied to
 * @param backups each backup asked for, oldest first
 * @param blobsCopied blobs the target lacked and now has
 * @param bytesCopied bytes of those blobs as stored in the target (compressed, and sealed if it is encrypted)
 * @param packsWritten pack files written in the target
 * @param notes what else happened (stale locks removed, a dry run)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record BackupCopy(String from, String to, List<Copied> backups, long blobsCopied, long bytesCopied,
        int packsWritten, List<String> notes) {

    /**
     * One backup.
     *
     * @param id its id in the source
     * @param targetId its id in the target (ids depend on a repository's key, so they differ between encrypted
     *     repositories); empty in a dry run
     * @param existed true when the target had it already and nothing was copied
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    public record Copied(String id, String targetId, boolean existed) {}

    /** Copies the lists. */
    public BackupCopy {
        backups = List.copyOf(backups);
        notes = List.copyOf(notes);
    }
}
