package dev.hyperlab.core.backup;

import java.util.List;
import java.util.Map;

/**
 * A backup in the repository, as {@code backup list} shows it and as {@code backup restore --as-vm} needs it.
 *
 * @param id the backup's id: 64 hex digits, the content id of its manifest (the shell may show the first 8)
 * @param source the machine it was taken of
 * @param strategy the strategy that took it
 * @param labTime lab time of the backup in nanoseconds, as the caller gave it
 * @param parents the backups whose data it refers to unchanged (none for a full backup)
 * @param config the machine's configuration as the caller gave it, to define a VM from on restore (whole numbers
 *     come back as {@code Long}, others as {@code Double})
 * @param disks its disks, in the machine's order
 * @param notes what the strategy reported, for instance a fall back to a full backup
 * @param bytesRead bytes read from the disks while taking it
 * @param blobsAdded blobs it added to the repository (the rest were already stored)
 * @param bytesAdded bytes it added to pack files, after compression
 */
public record BackupInfo(
        String id,
        String source,
        String strategy,
        long labTime,
        List<String> parents,
        Map<String, Object> config,
        List<BackupDisk> disks,
        List<String> notes,
        long bytesRead,
        long blobsAdded,
        long bytesAdded) {

    /** Copies the lists and map so the record stays immutable. */
    public BackupInfo {
        parents = List.copyOf(parents);
        config = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
        disks = List.copyOf(disks);
        notes = List.copyOf(notes);
    }

    /** The first 8 hex digits of the id. */
    public String shortId() {
        return id.substring(0, 8);
    }
}
