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
 * @param paths for a file backup, the paths it was asked for (absolute, as {@code backup ls} shows names); empty for a
 *     disk backup
 * @param time for a file backup, the wall-clock time it began, in nanoseconds since the epoch; 0 for a disk backup
 * @param files for a file backup, what it holds; {@link FileCounts#NONE} for a disk backup
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
        long bytesAdded,
        List<String> paths,
        long time,
        FileCounts files) {

    /** Copies the lists and map so the record stays immutable. */
    public BackupInfo {
        parents = List.copyOf(parents);
        config = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
        disks = List.copyOf(disks);
        notes = List.copyOf(notes);
        paths = List.copyOf(paths);
    }

    /** Whether it is a backup of files (of the machine hyperlab runs on), not of a machine's disks. */
    public boolean isFiles() {
        return disks.isEmpty();
    }

    /** The first 8 hex digits of the id. */
    public String shortId() {
        return id.substring(0, 8);
    }
}
