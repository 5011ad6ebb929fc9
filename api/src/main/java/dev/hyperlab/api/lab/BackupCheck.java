package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#check} found. {@link #ok()} is false on any damage; {@code backup check} then exits 1.
 * Leftovers of interrupted operations are not damage: they are {@link #notes()}, and prune removes them.
 *
 * <pre>{@code
 * BackupCheck c = lab.backups("/srv/backups", "").check(true);   // read every blob and check its hash
 * if (!c.ok()) c.errors().forEach(System.err::println);
 * }</pre>
 *
 * @param repository the repository's directory
 * @param readData whether every blob was read and its hash checked, or only the structure
 * @param backups backups checked
 * @param packs pack files checked
 * @param blobs blobs the index lists
 * @param bytesRead pack bytes read (with readData)
 * @param errors one line per problem: what is damaged or missing, and where
 * @param damagedBackups ids of the backups that cannot be restored completely
 * @param notes harmless findings (unindexed packs, temporary files, stale locks removed)
 * @param indexNeedsRepair whether an index file is lost or damaged while the packs it listed are intact: then
 *     {@link Backups#repairIndex} mends the repository, and no backup needs to be forgotten for it
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record BackupCheck(
        String repository, boolean readData, int backups, int packs, long blobs, long bytesRead, List<String> errors,
        List<String> damagedBackups, List<String> notes, boolean indexNeedsRepair) {

    /** Copies the lists. */
    public BackupCheck {
        errors = List.copyOf(errors);
        damagedBackups = List.copyOf(damagedBackups);
        notes = List.copyOf(notes);
    }

    /** True when nothing is damaged or missing. */
    public boolean ok() {
        return errors.isEmpty();
    }
}
