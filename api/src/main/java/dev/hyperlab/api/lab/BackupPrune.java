package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#prune} did.
 *
 * <pre>{@code
 * BackupPrune p = lab.backups("/srv/backups", "").prune(7);        // keep the last 7 backups
 * System.out.println(p.removedBackups().size() + " backups forgotten, " + p.packsRemoved() + " packs deleted");
 * }</pre>
 *
 * @param removedBackups ids of the backups forgotten, oldest first
 * @param keptBackups backups that remain
 * @param blobsRemoved blobs no remaining backup needed
 * @param packsRemoved pack files deleted
 * @param packsWritten pack files written by repacking still-used blobs
 * @param bytesFreed bytes of pack files deleted minus bytes written
 * @param notes what else it did (stale locks, temporary files removed)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record BackupPrune(
        List<String> removedBackups, int keptBackups, long blobsRemoved, int packsRemoved, int packsWritten,
        long bytesFreed, List<String> notes) {

    /** Copies the lists. */
    public BackupPrune {
        removedBackups = List.copyOf(removedBackups);
        notes = List.copyOf(notes);
    }
}
