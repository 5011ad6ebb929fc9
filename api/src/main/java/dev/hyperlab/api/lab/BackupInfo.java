package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * One backup in a repository, as {@code backup list} shows it.
 *
 * <pre>{@code
 * for (BackupInfo b : lab.backups("/srv/backups", "").list()) {
 *     System.out.println(b.shortId() + " " + b.vm() + " " + b.strategy() + " " + b.fullFallback());
 * }
 * }</pre>
 *
 * @param id 64 hex digits: the content id of its manifest; commands accept any unique prefix of 4 digits or more
 * @param vm the VM it was taken of; for a file backup, the host (the machine hyperlab ran on)
 * @param strategy the strategy that took it ({@code full}, {@code incremental}, {@code dedup}, or a plugin's id);
 *     {@code files} for a file backup
 * @param time lab time of the consistent point it holds (when its snapshot was taken)
 * @param parents backups whose data it reuses unchanged (none for a full backup)
 * @param disks its disks, in the VM's order
 * @param bytesRead bytes read from the VM's disks to take it
 * @param bytesAdded bytes it added to the repository's pack files, after compression (the rest was stored already)
 * @param fullFallback true when an incremental backup had to read a disk whole, because its chain was broken; the
 *     notes say why
 * @param notes what the strategy reported, one line each (for instance {@code disk disk0: dirty bitmap is
 *     inconsistent (image not closed cleanly); full backup of it instead})
 * @param paths for a file backup, the paths it holds (absolute, names as {@link Backups#listFiles} shows them); empty
 *     for a VM backup
 * @param created for a file backup of this machine, the wall-clock time it began (ISO-8601, UTC); empty for a VM
 *     backup, a host image and a backup of a host's files, whose time is lab time
 * @param files for a file backup, what it holds; all zero for a VM backup
 * @param kind {@code vm}, {@code host-image} (a physical host's disks, {@link Backups#image}; {@link #vm()} names the
 *     host) or {@code files}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record BackupInfo(
        String id, String vm, String strategy, Duration time, List<String> parents, List<Disk> disks, long bytesRead,
        long bytesAdded, boolean fullFallback, List<String> notes, List<String> paths, String created, Files files,
        String kind) {

    /** Copies the lists. */
    public BackupInfo {
        parents = List.copyOf(parents);
        disks = List.copyOf(disks);
        notes = List.copyOf(notes);
        paths = List.copyOf(paths);
    }

    /** Whether it is a backup of files of the machine hyperlab runs on ({@link Backups#backupFiles}), not of a VM. */
    public boolean isFiles() {
        return strategy.equals("files") && disks.isEmpty();
    }

    /** Whether it is a disk image of a physical host ({@link Backups#image}), restored with {@link Backups#restoreToHost}. */
    public boolean isHostImage() {
        return kind.equals("host-image");
    }

    /** The first 8 hex digits of the id, as the shell shows it. */
    public String shortId() {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    /** Data bytes of all its disks, or a file backup's file lengths: what a restore writes. */
    public long dataBytes() {
        return disks.stream().mapToLong(Disk::dataBytes).sum() + files.bytes();
    }

    /**
     * One disk of a backup.
     *
     * @param name the VM's device name ({@code disk0}, ...)
     * @param format the format the disk had ({@code qcow2} or {@code raw}); a restore writes what {@code --to} asks
     * @param virtualSize size of the virtual disk in bytes
     * @param dataBytes bytes of data in it; the rest of the disk is holes, which a restore leaves holes
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    public record Disk(String name, String format, long virtualSize, long dataBytes) {}

    /**
     * What a file backup holds, and how it compared with the backup it built on (the host's previous file backup).
     *
     * @param files regular files
     * @param directories directories
     * @param others symbolic links, FIFOs, sockets and device files
     * @param bytes the regular files' lengths, summed
     * @param newFiles files the previous backup did not have
     * @param changedFiles files it had, read again because their size, times or inode changed
     * @param unchangedFiles files it had, not read again
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    public record Files(long files, long directories, long others, long bytes, long newFiles, long changedFiles,
            long unchangedFiles) {
        /** A VM backup's: nothing. */
        public static final Files NONE = new Files(0, 0, 0, 0, 0, 0, 0);
    }
}
