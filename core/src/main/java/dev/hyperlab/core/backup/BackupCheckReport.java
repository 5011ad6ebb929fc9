package dev.hyperlab.core.backup;

import java.util.List;

/**
 * What {@link BackupRepository#check} found. {@link #ok()} is false when anything is damaged or missing; the shell
 * exits 1 then and prints {@link #errors()}. Leftovers of interrupted operations are not damage: they are listed in
 * {@link #notes()} and prune removes them.
 *
 * @param readData whether every blob was read and hashed, or only the structure checked
 * @param backups backups checked
 * @param packs pack files checked
 * @param blobs blobs the index lists
 * @param bytesRead bytes of pack data read (with readData)
 * @param errors one line per problem: what is damaged or missing and where
 * @param damagedBackups ids of the backups that cannot be restored completely, sorted
 * @param notes what is harmless but worth knowing (unindexed packs, temporary files, stale locks removed)
 * @param indexNeedsRepair whether an index file is damaged or lost while its packs are intact, which
 *     {@link BackupRepository#repairIndex} mends
 */
public record BackupCheckReport(
        boolean readData, int backups, int packs, long blobs, long bytesRead, List<String> errors,
        List<String> damagedBackups, List<String> notes, boolean indexNeedsRepair) {

    /** Copies the lists. */
    public BackupCheckReport {
        errors = List.copyOf(errors);
        damagedBackups = List.copyOf(damagedBackups);
        notes = List.copyOf(notes);
    }

    /** True when nothing is damaged or missing. */
    public boolean ok() {
        return errors.isEmpty();
    }
}
