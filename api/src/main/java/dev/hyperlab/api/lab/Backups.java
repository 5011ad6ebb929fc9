package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * A backup repository, opened through {@link Lab#backups} or made by {@link Lab#initBackups}: the {@code backup}
 * commands (docs/backup.md). The repository is a directory outside the lab, so backups outlive the lab's VMs and the
 * lab itself; what a backup reads and a restore writes are the lab's real disk images, and the lab time they take
 * comes from the model (the host datastore's bandwidth).
 *
 * <p>Methods throw {@link LabException} with a one-line message: {@code NOT_FOUND} for an unknown VM or backup,
 * {@code INVALID} for a bad argument, {@code NOT_ALLOWED} for a VM in a state that cannot be backed up or a locked
 * repository, {@code IO} for a repository that cannot be read or written.
 *
 * <p>The same repository holds backups of files of the machine hyperlab runs on ({@link #backupFiles}), restic
 * style: content-defined chunks shared with the VM backups' blobs, one tree per directory.
 *
 * <p>Wherever a method takes a backup {@code id}, it may be the whole id, a unique prefix of at least 4 hex digits, or
 * {@code "latest"}: the newest backup, the one {@link #listing()} lists last (as {@code restic restore latest}).
 *
 * <pre>{@code
 * Backups repo = lab.initBackups("/srv/backups", "");
 * BackupRun first = repo.run("web1", "full");
 * lab.advance("1h");
 * BackupRun next = repo.run("web1", "incremental");     // only the clusters written since the first
 * BackupRestore r = repo.restoreAsVm(next.backup().id(), "web1-restored", "");
 * System.out.println("recovery time " + r.recoveryTime());
 * FileBackupRun files = repo.backupFiles(List.of("/etc"), List.of());
 * repo.restoreFiles(files.backup().id(), "/tmp/etc-restored", List.of("sshd_config"), false);
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Backups {

    /** The repository's directory (absolute), or its {@code s3:http://HOST:PORT/BUCKET/PREFIX} location. */
    String directory();

    /** Whether it is encrypted. */
    boolean encrypted();

    /**
     * Backs up VM {@code vm} with strategy {@code strategy} ({@code full}, {@code incremental}, {@code dedup} or a
     * plugin's id; empty means {@code incremental}). A running VM is backed up live from a temporary snapshot and keeps
     * running; a stopped one is read directly. Takes lab time: the call returns when the backup has finished.
     */
    BackupRun run(String vm, String strategy);

    /**
     * Images the disks of physical host {@code host} into the repository, offline: a host that runs is shut down
     * (refused while VMs run on it), booted into an imaging environment that reads every disk's data, and powered on
     * again. Strategy {@code full} (the default when empty) or {@code dedup}; {@code incremental} needs a change
     * tracker in the host's OS, which no lab host has, so it falls back to a full image and its notes say so. Takes lab
     * time: the host's downtime ({@link HostImageRun#downtime()}).
     */
    HostImageRun image(String host, String strategy);

    /**
     * Backs up files inside physical host {@code host}: {@code paths} (absolute, as the host's OS sees them: its ext
     * root file system at {@code /}, its EFI system partition at {@code /boot/efi}) and everything below them, except
     * entries an {@code excludes} pattern matches (as for {@link #backupFiles}). The files are read from the host's
     * disk images by a file agent in its running OS (refused unless the host runs): crash-consistent, as a restic or
     * borg run there is. Stored as {@link #backupFiles} stores files ({@link #listFiles}, {@link #restoreFiles} work on
     * it); incremental against the host's previous file backup. A damaged file system is refused and no backup is
     * written. Takes lab time: the agent's read ({@link HostFilesRun#read()}), in the host's timeline.
     */
    HostFilesRun backupHostFiles(String host, List<String> paths, List<String> excludes);

    /**
     * A bare-metal restore: writes host image {@code id} onto host {@code host}'s disks (each as large as the image's
     * or larger; refused, naming both sizes, when one is smaller) and powers it on: POST, boot-device search, boot
     * loader and OS, read from the restored disks. A host that runs is powered off first (refused while VMs run on it).
     * Each disk's first MiB (partition table, boot code) is zeroed first and written last, boot disk last of all, so a
     * restore cut short leaves a host that does not boot. {@link BackupRestore#host()} names the host,
     * {@link BackupRestore#recoveryTime()} is restore plus boot; a host that fails to boot from the image says why in
     * {@link BackupRestore#warnings()}. A VM backup is refused: it restores as a VM or to files.
     */
    BackupRestore restoreToHost(String id, String host, Wait wait);

    /** {@link #restoreToHost(String, String, Wait)}, waiting until the host runs (or fails to boot). */
    default BackupRestore restoreToHost(String id, String host) {
        return restoreToHost(id, host, Wait.DONE);
    }

    /** Every readable backup, oldest first (by lab time, then id); {@link #listing()} also names the unreadable ones. */
    List<BackupInfo> list();

    /**
     * Every readable backup, oldest first, and one line for each backup whose manifest cannot be read (damaged, or
     * written with another key), as {@code restic snapshots} lists what it can and reports the rest.
     */
    BackupListing listing();

    /** The backup whose id is {@code id} or starts with it (at least 4 hex digits), or the newest for "latest". */
    BackupInfo backup(String id);

    /**
     * Restores backup {@code id} to new image files: {@code path} for a backup of one disk, or, for several disks, a new
     * directory {@code path} holding one file per disk. Raw files unless {@code path} ends in {@code .qcow2}. The bytes
     * are those backed up, holes stay holes. A damaged repository restores what is intact and names the rest.
     */
    BackupRestore restore(String id, @HostPath String path);

    /**
     * Restores backup {@code id} as a new VM {@code name}, defined from the backup's configuration (vCPUs, memory,
     * firmware, OS, drivers) with its disks in the lab, and boots it; returns once it runs. On host {@code host} when
     * not empty, else the VM's original host if it runs, else the first running host with room. The new VM's timeline
     * shows the {@code restore} phase, then its boot: {@link BackupRestore#recoveryTime()}.
     */
    default BackupRestore restoreAsVm(String id, String name, String host) {
        return restoreAsVm(id, name, host, Wait.DONE);
    }

    /**
     * {@link #restoreAsVm(String, String, String)}, waiting for the boot as {@code wait} says: with
     * {@link Wait#NONE} it returns once the disks are written and the VM is starting (its recovery time then shows in
     * its timeline only).
     */
    BackupRestore restoreAsVm(String id, String name, String host, Wait wait);

    /** Checks the repository's structure and, with {@code readData}, every blob's hash. Changes nothing. */
    BackupCheck check(boolean readData);

    /**
     * Rebuilds the index from the headers of every pack, replacing all index files, as
     * {@code restic repair index --read-all-packs}: what a lost or damaged index file listed is listed again, packs
     * that are gone are no longer listed. No backup or pack is removed. Crash-safe: the new index is written before
     * the old files are removed. Mends what {@link BackupCheck#indexNeedsRepair()} reports.
     */
    BackupIndexRepair repairIndex();

    /**
     * Forgets all but the newest {@code keepLast} backups of each VM (and of each host's file backups of one set of
     * paths) and removes the data only they used.
     */
    BackupPrune prune(int keepLast);

    /**
     * Forgets the backups {@code ids} name (full ids or unique prefixes of 4 hex digits or more), as
     * {@code restic forget ID...}: damaged backups too, which is how a backup that {@link #check} reports unreadable is
     * dropped. With {@code prune} the data only they used is removed as {@link #prune} removes it; without, it stays
     * until the next prune. Every id is resolved before anything is removed.
     */
    BackupPrune forget(List<String> ids, boolean prune);

    /**
     * Backs up files of the machine hyperlab runs on (not of the lab): {@code paths} (relative to the working directory
     * unless absolute) and everything below them, except entries an {@code excludes} pattern matches. Permissions,
     * owners, times, symbolic links, hard links, sparse files and extended attributes are kept. Incremental: the
     * host's previous file backup is the parent, and a file whose size, modification and change times and inode are
     * unchanged since it is not read again. Files that vanish or cannot be read are left out with a warning; files
     * that change while read are kept as read, with a warning. Takes no lab time.
     *
     * <p>A pattern is matched against each entry's absolute path: {@code *} (within a name), {@code ?}, {@code [a-z]},
     * {@code **} (any names); one starting with {@code /} is anchored at the root, any other matches at every depth
     * ({@code *.tmp}, {@code cache/**}). {@code \xNN} stands for a byte, for names that are not UTF-8.
     */
    FileBackupRun backupFiles(@HostPath List<String> paths, List<String> excludes);

    /**
     * The entries of file backup {@code id} at {@code path} ({@code /} or empty for the root): a directory's entries
     * (with {@code recursive}, everything below it, depth first), or the entry itself when it is not a directory.
     */
    List<FileEntry> listFiles(String id, String path, boolean recursive);

    /**
     * What differs from file backup {@code from} to file backup {@code to} (say, last night's and {@code "latest"}), as
     * {@code restic diff}: entries added, removed, modified, of changed metadata or type. Subtrees that are the same in
     * both are not read. Takes no lab time.
     */
    FileDiff diffFiles(String from, String to);

    /**
     * Restores file backup {@code id} into {@code directory}, which must not exist (its parent must) or be empty,
     * unless {@code overwrite}: then entries of the same names are replaced (directories in the way are kept). The
     * backup's paths are recreated below it ({@code DIRECTORY/etc/hosts}). With {@code includes} (patterns as for
     * {@link #backupFiles}), only the entries that match, everything below a matching directory, and the directories
     * above them. Nothing is written outside {@code directory}: links in the backup or the target are never followed.
     * Takes no lab time.
     */
    FileRestore restoreFiles(String id, @HostPath String directory, List<String> includes, boolean overwrite);

    /**
     * Copies backups {@code ids} (ids or prefixes of at least 4 hex digits; every backup when empty) from this
     * repository into {@code to}, as {@code restic copy}: local to S3 and back, or between two directories. Blobs
     * {@code to} has already are skipped, the rest re-encrypted under its key (or stored plain if it is not
     * encrypted); backups it has already are reported, not copied again. Interrupted, it leaves {@code to} whole, and
     * running it again completes it. Refused, changing nothing, when both are the same repository or an id names no
     * backup.
     */
    BackupCopy copy(Backups to, List<String> ids);
}
