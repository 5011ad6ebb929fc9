package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.BackupCheck;
import dev.hyperlab.api.lab.BackupCopy;
import dev.hyperlab.api.lab.BackupIndexRepair;
import dev.hyperlab.api.lab.BackupInfo;
import dev.hyperlab.api.lab.BackupListing;
import dev.hyperlab.api.lab.BackupPrune;
import dev.hyperlab.api.lab.BackupRestore;
import dev.hyperlab.api.lab.BackupRun;
import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.FileBackupRun;
import dev.hyperlab.api.lab.FileDiff;
import dev.hyperlab.api.lab.FileEntry;
import dev.hyperlab.api.lab.FileRestore;
import dev.hyperlab.api.lab.HostFilesRun;
import dev.hyperlab.api.lab.HostImageRun;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.core.backup.BackupCheckReport;
import dev.hyperlab.core.backup.BackupRepository;
import dev.hyperlab.core.backup.BackupResult;
import dev.hyperlab.core.backup.BackupSource;
import dev.hyperlab.core.backup.BackupStrategies;
import dev.hyperlab.core.backup.ChangedBlockTracker;
import dev.hyperlab.core.backup.CopyResult;
import dev.hyperlab.core.backup.FileBackupResult;
import dev.hyperlab.core.backup.FileCounts;
import dev.hyperlab.core.backup.FileRestoreResult;
import dev.hyperlab.core.backup.IndexRepairResult;
import dev.hyperlab.core.backup.KdfParams;
import dev.hyperlab.core.backup.PruneResult;
import dev.hyperlab.core.backup.RepositoryException;
import dev.hyperlab.core.backup.RestoreFiles;
import dev.hyperlab.core.backup.RestoreResult;
import dev.hyperlab.core.backup.S3Backend;
import dev.hyperlab.core.backup.S3Location;
import dev.hyperlab.core.backup.SourceImage;
import dev.hyperlab.core.engine.LabBackups;
import dev.hyperlab.core.engine.LabHostFiles;
import dev.hyperlab.core.engine.LabHostImages;
import dev.hyperlab.core.storage.fs.HostDiskFiles;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link Backups} facade's repository side, whatever lab's VMs it backs up: listing, checking, pruning,
 * forgetting and copying backups, restoring them to files, and backing up this machine's files. What a backup or a
 * restore does to the lab (a consistent point of a VM's disks, a restored VM) is the subclass's: {@link LocalBackups}
 * for the simulation, {@code QemuBackups} for real VMs.
 *
 * <p>In a dry run ({@link #dryRun()}) the repository is only read.
 */
public abstract class RepositoryBackups implements Backups {
    /** The note the built-in incremental strategy ends a per-disk fall back to a full backup with. */
    protected static final String FALLBACK = "full backup of it instead";

    /** The repository's directory, or its {@code s3:} location. */
    protected final String dir;
    /** Empty only for a repository a dry run would have created. */
    protected final Optional<BackupRepository> repo;

    protected RepositoryBackups(String dir, Optional<BackupRepository> repo) {
        this.dir = dir;
        this.repo = repo;
    }

    /** Whether this is a dry run's facade: the repository is only read. */
    protected abstract boolean dryRun();

    /** The lab's time now. */
    protected abstract Duration labNow();

    /** A repository directory (or {@code s3:} location) and the repository opened or created there. */
    protected record Opened(String dir, Optional<BackupRepository> repo) {}

    /** Creates the repository in {@code dir} (a dry run only checks it could). */
    protected static Opened initRepository(String dir, String password, boolean dryRun) {
        Optional<char[]> pw = password == null || password.isEmpty() ? Optional.empty()
                : Optional.of(password.toCharArray());
        if (dir != null && S3Location.is(dir)) {
            S3Location location = io(() -> S3Location.parse(dir));
            if (dryRun) {
                return new Opened(location.toString(), Optional.empty());
            }
            return new Opened(location.toString(), Optional.of(io(() -> BackupRepository.init(
                    S3Backend.fromEnvironment(location, System.getenv()), pw, KdfParams.DEFAULT,
                    BackupRepository.DEFAULT_COMPRESSION_LEVEL))));
        }
        Path path = path(dir);
        if (dryRun) {
            requireNewRepository(path);
            return new Opened(path.toString(), Optional.empty());
        }
        return new Opened(path.toString(), Optional.of(io(() -> BackupRepository.init(path, pw))));
    }

    /** Opens the repository in {@code dir}. */
    protected static Opened openRepository(String dir, String password) {
        Optional<char[]> pw = password == null || password.isEmpty() ? Optional.empty()
                : Optional.of(password.toCharArray());
        if (dir != null && S3Location.is(dir)) {
            // the S3 client (java.net.http) loads only here, so a lab without an s3: repository never pays for it
            S3Location location = io(() -> S3Location.parse(dir));
            return new Opened(location.toString(), Optional.of(io(() -> BackupRepository.open(
                    S3Backend.fromEnvironment(location, System.getenv()), pw))));
        }
        Path path = path(dir);
        if (!Files.isRegularFile(path.resolve("config"))) {
            throw LabException.notFound("no backup repository in " + path, "create one with backup init " + path);
        }
        return new Opened(path.toString(), Optional.of(io(() -> BackupRepository.open(path, pw))));
    }

    protected static Path path(String dir) {
        if (dir == null || dir.isBlank()) {
            throw LabException.invalid("no repository directory given", "name the repository's directory ({repo})");
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    private static void requireNewRepository(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        boolean empty;
        try (var s = Files.list(path)) {
            empty = s.findAny().isEmpty();
        } catch (IOException e) {
            empty = false;
        }
        if (!Files.isDirectory(path)) {
            throw LabException.conflict(path + " exists and is not a directory", "");
        }
        if (!empty) { // in the words of BackupRepository.init, which a real run meets
            throw LabException.conflict(path + " is not empty", "a repository needs a new or empty directory");
        }
    }

    protected BackupRepository repo() {
        return repo.orElseThrow(() -> LabException.notAllowed("repository " + dir + " exists only in this dry run",
                "create it for real first, not in a dry run"));
    }

    @Override
    public String directory() {
        return dir;
    }

    @Override
    public boolean encrypted() {
        return repo.map(BackupRepository::encrypted).orElse(false);
    }

    // ---- run ------------------------------------------------------------------------------------------------------

    @Override
    public List<BackupInfo> list() {
        return listing().backups();
    }

    @Override
    public BackupListing listing() {
        if (repo.isEmpty()) {
            return new BackupListing(List.of(), List.of());
        }
        List<String> unreadable = new ArrayList<>();
        List<BackupInfo> backups = io(() -> repo.get().list(unreadable)).stream().map(RepositoryBackups::info).toList();
        return new BackupListing(backups, unreadable);
    }

    @Override
    public BackupInfo backup(String id) {
        return info(core(id));
    }

    protected dev.hyperlab.core.backup.BackupInfo core(String id) {
        return io(() -> repo().info(id));
    }

    public static BackupInfo info(dev.hyperlab.core.backup.BackupInfo b) {
        FileCounts c = b.files();
        return new BackupInfo(b.id(), b.source(), b.strategy(), Duration.ofNanos(b.labTime()), b.parents(),
                b.disks().stream().map(d -> new BackupInfo.Disk(d.name(), d.format(), d.virtualSize(), d.dataBytes()))
                        .toList(), b.bytesRead(), b.bytesAdded(), b.notes().stream().anyMatch(n -> n.endsWith(FALLBACK)),
                b.notes(), b.paths(), b.isFiles() && !LabHostFiles.KIND.equals(b.config().get("kind"))
                        ? FileViews.instant(b.time()) : "", // a host's file backup has the lab's time, as a VM's
                new BackupInfo.Files(c.files(), c.directories(), c.others(), c.bytes(), c.newFiles(), c.changedFiles(),
                        c.unchangedFiles()), kind(b));
    }

    /** {@code files}, {@code host-image} (its configuration says so) or {@code vm}. */
    protected static String kind(dev.hyperlab.core.backup.BackupInfo b) {
        return b.isFiles() ? "files" : LabHostImages.KIND.equals(b.config().get("kind")) ? LabHostImages.KIND : "vm";
    }

    // ---- physical hosts ---------------------------------------------------------------------------------------------

    @Override
    public BackupRestore restore(String id, String path) {
        dev.hyperlab.core.backup.BackupInfo b = core(id);
        Path target = path(path);
        boolean qcow2 = target.getFileName().toString().endsWith(".qcow2");
        String ext = qcow2 ? ".qcow2" : ".raw";
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw LabException.conflict(target + " exists", "a restore never replaces a file: choose a new path");
        }
        List<Path> files = new ArrayList<>();
        try {
            for (var d : b.disks()) {
                files.add(b.disks().size() == 1 ? target : RestoreFiles.fileIn(target, d.name(), ext));
            }
        } catch (RepositoryException e) {
            throw failed("restore of backup " + b.shortId(), e);
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw LabException.notFound("directory " + parent + " does not exist", "create it first with mkdir -p");
        }
        Duration now = labNow();
        List<BackupRestore.RestoredDisk> disks = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (dryRun()) {
            for (int i = 0; i < files.size(); i++) {
                var d = b.disks().get(i);
                disks.add(new BackupRestore.RestoredDisk(d.name(), files.get(i).toString(), qcow2 ? "qcow2" : "raw",
                        d.virtualSize(), d.dataBytes()));
            }
            return new BackupRestore(b.id(), "", "", "", disks, damaged, List.of("dry run: nothing written"), now,
                    Duration.ZERO, Duration.ZERO);
        }
        // what this restore created, removed again if it fails: a failed restore leaves nothing behind
        List<Path> created = new ArrayList<>();
        try {
            if (b.disks().size() > 1) {
                created.add(Files.createDirectory(target)); // the one directory the person named, never its parents
            }
            for (int i = 0; i < files.size(); i++) {
                var d = b.disks().get(i);
                Path file = files.get(i);
                RestoreResult r;
                if (qcow2) {
                    try (DiskImage img = DiskImages.create(file, ImageFormat.QCOW2, d.virtualSize())) {
                        created.add(file);
                        r = repo().restore(b.id(), d.name(), img);
                    }
                } else {
                    r = repo().restore(b.id(), d.name(), file);
                    created.add(file);
                }
                collect(r, damaged, warnings);
                disks.add(new BackupRestore.RestoredDisk(d.name(), file.toString(), qcow2 ? "qcow2" : "raw",
                        d.virtualSize(), r.bytesWritten()));
            }
        } catch (IOException e) {
            removeAll(created);
            throw failed("restore of backup " + b.shortId(), e);
        } catch (RuntimeException e) {
            removeAll(created);
            throw e;
        }
        // a restore to a path is outside the lab: it takes no lab time
        return new BackupRestore(b.id(), "", "", "", disks, damaged, warnings, now, Duration.ZERO, Duration.ZERO);
    }

    /** Removes what a failed restore created, newest first (files before their directory). */
    protected static void removeAll(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                // left behind, and the restore's own error is the one to report
            }
        }
    }

    protected static void collect(RestoreResult r, List<String> damaged, List<String> warnings) {
        for (RestoreResult.DamagedRange x : r.damaged()) {
            damaged.add("disk " + r.disk() + " bytes " + x.offset() + "+" + x.length() + ": " + x.reason());
        }
        warnings.addAll(r.warnings());
    }

    @Override
    public BackupCheck check(boolean readData) {
        BackupCheckReport r = io(() -> repo().check(readData));
        return new BackupCheck(dir, r.readData(), r.backups(), r.packs(), r.blobs(), r.bytesRead(),
                r.errors(), r.damagedBackups(), r.notes(), r.indexNeedsRepair());
    }

    @Override
    public BackupIndexRepair repairIndex() {
        IndexRepairResult r = io(() -> repo().repairIndex(dryRun()));
        List<String> notes = new ArrayList<>(r.notes());
        if (dryRun()) {
            notes.add("dry run: nothing written");
        }
        return new BackupIndexRepair(dir, r.packs(), r.blobs(), r.packsAdded(), r.packsCorrected(), r.packsDropped(),
                r.indexFilesReplaced(), notes);
    }

    @Override
    public BackupPrune forget(List<String> ids, boolean prune) {
        if (ids == null || ids.isEmpty()) {
            throw LabException.invalid("no backup to forget", "name one or more ids (backup list shows them)");
        }
        if (dryRun()) {
            List<String> names = List.copyOf(io(() -> repo().ids(ids)));
            BackupListing all = listing();
            int kept = all.backups().size() + all.unreadable().size() - names.size();
            return new BackupPrune(names, kept, 0, 0, 0, 0, List.of("dry run: nothing removed"));
        }
        PruneResult r = io(() -> repo().forget(ids, prune));
        return new BackupPrune(r.removedBackups(), r.keptBackups(), r.blobsRemoved(), r.packsRemoved(),
                r.packsWritten(), r.bytesFreed(), r.notes());
    }

    @Override
    public BackupPrune prune(int keepLast) {
        if (keepLast < 1) {
            throw LabException.invalid("{keepLast} must be at least 1, not " + keepLast, "keep at least one backup");
        }
        if (dryRun()) {
            // what prune would forget: all but the newest keepLast of each VM, and of each host's file backups of one
            // set of paths (its own rule, read-only here)
            Map<String, List<BackupInfo>> byVm = new java.util.TreeMap<>();
            for (BackupInfo i : list().stream().sorted(Comparator.comparing((BackupInfo b) -> b.isFiles()
                    ? b.created() : "").thenComparing(BackupInfo::time).thenComparing(BackupInfo::id)).toList()) {
                byVm.computeIfAbsent((i.isFiles() ? "files\0" + String.join("\0", i.paths()) : "vm") + "\0" + i.vm(),
                        k -> new ArrayList<>()).add(i);
            }
            List<BackupInfo> removed = new ArrayList<>();
            int kept = 0;
            for (List<BackupInfo> l : byVm.values()) {
                removed.addAll(l.subList(0, Math.max(0, l.size() - keepLast)));
                kept += Math.min(keepLast, l.size());
            }
            removed.sort(Comparator.comparing(BackupInfo::time).thenComparing(BackupInfo::id));
            return new BackupPrune(removed.stream().map(BackupInfo::id).toList(), kept, 0, 0, 0, 0,
                    List.of("dry run: nothing removed"));
        }
        PruneResult r = io(() -> repo().prune(keepLast));
        return new BackupPrune(r.removedBackups(), r.keptBackups(), r.blobsRemoved(), r.packsRemoved(),
                r.packsWritten(), r.bytesFreed(), r.notes());
    }

    // ---- files of this machine ------------------------------------------------------------------------------------

    @Override
    public FileBackupRun backupFiles(List<String> paths, List<String> excludes) {
        List<String> p = paths == null ? List.of() : paths;
        List<String> x = excludes == null ? List.of() : excludes;
        if (p.isEmpty()) {
            throw LabException.invalid("no paths to back up", "name the files or directories ({paths})");
        }
        long labTime = labNow().toNanos();
        Instant now = Instant.now(); // files of the real machine: their backup's time is the real one
        long time = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        boolean dry = dryRun();
        FileBackupResult r;
        try {
            BackupRepository target = dry && repo.isEmpty() ? null : repo();
            if (target == null) {
                throw LabException.notAllowed("repository " + dir + " exists only in this dry run",
                        "create it for real first, not in a dry run");
            }
            r = target.backupFiles(FileViews.hostName(), p, System.getProperty("user.dir"), x, labTime, time, dry);
        } catch (IOException e) {
            throw failed("backup of files", e);
        }
        return new FileBackupRun(info(r.backup()), r.bytesRead(), r.bytesToRead(), r.leftOut(), r.warnings());
    }

    @Override
    public List<FileEntry> listFiles(String id, String path, boolean recursive) {
        return io(() -> repo().listFiles(id, path == null ? "/" : path, recursive)).stream()
                .map(FileViews::entry).toList();
    }

    @Override
    public FileDiff diffFiles(String from, String to) {
        return FileViews.diff(io(() -> repo().diffFiles(from, to)));
    }

    @Override
    public FileRestore restoreFiles(String id, String directory, List<String> includes, boolean overwrite) {
        Path target = path(directory);
        List<String> inc = includes == null ? List.of() : includes;
        FileRestoreResult r;
        try {
            r = dryRun() ? repo().planRestoreFiles(id, target.toString(), inc)
                    : repo().restoreFiles(id, target.toString(), inc, overwrite);
        } catch (IOException e) {
            throw failed("restore of backup " + (id.matches("[0-9a-f]{64}") ? id.substring(0, 8) : id), e);
        }
        List<String> warnings = dryRun() ? List.of("dry run: nothing written") : r.warnings();
        return new FileRestore(r.backupId(), r.target(), r.files(), r.directories(), r.others(), r.links(),
                r.bytesWritten(), r.leftOut(), r.damaged(), warnings);
    }

    // ---- copy -----------------------------------------------------------------------------------------------------

    @Override
    public BackupCopy copy(Backups to, List<String> ids) {
        if (!(to instanceof RepositoryBackups target)) {
            throw LabException.invalid("cannot copy to " + to, "open the target with lab.backups(dir, password)");
        }
        List<String> wanted = ids == null ? List.of() : ids;
        if (dryRun() || target.repo.isEmpty()) {
            // what a copy would take: the backups named (or all), read-only here
            List<BackupInfo> infos = wanted.isEmpty() ? list() : wanted.stream().map(this::backup).toList();
            return new BackupCopy(dir, target.dir, infos.stream().map(i -> new BackupCopy.Copied(i.id(), "", false))
                    .toList(), 0, 0, 0, List.of("dry run: nothing written to " + target.dir));
        }
        CopyResult r = io(() -> repo().copyTo(target.repo(), wanted));
        return new BackupCopy(dir, target.dir, r.backups().stream()
                .map(c -> new BackupCopy.Copied(c.id(), c.targetId(), c.existed())).toList(), r.blobsCopied(),
                r.bytesCopied(), r.packsWritten(), r.notes());
    }

    // ---- errors ---------------------------------------------------------------------------------------------------

    protected interface IoCall<T> {
        T call() throws IOException;
    }

    protected static <T> T io(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw failed("", e);
        }
    }

    /**
     * A repository's refusal as a one-line {@link LabException}: its own message for a {@link RepositoryException}
     * (the kind guessed from it, for exit codes and colours), else what failed and the I/O error.
     */
    protected static LabException failed(String what, IOException e) {
        if (e instanceof RepositoryException) {
            String msg = e.getMessage();
            LabException.Kind kind = msg.contains("is locked by") ? LabException.Kind.NOT_ALLOWED
                    : msg.contains("password") ? LabException.Kind.INVALID
                    : msg.startsWith("no backup") || msg.contains("not a backup repository")
                            ? LabException.Kind.NOT_FOUND
                    : msg.startsWith("bad ") || msg.contains("ambiguous") || msg.startsWith("cannot copy repository") || msg.startsWith("no S3 credentials")
                            ? LabException.Kind.INVALID
                    : LabException.Kind.IO;
            return new LabException(kind, msg, "", e);
        }
        return new LabException(LabException.Kind.IO, (what.isEmpty() ? "" : what + " failed: ") + why(e), "", e);
    }

    /** What went wrong: the JDK's file exceptions name only the file unless the system gave a reason. */
    static String why(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() == null) {
            String what = switch (f) {
                case java.nio.file.AccessDeniedException x -> "permission denied";
                case java.nio.file.NoSuchFileException x -> "no such file or directory";
                case java.nio.file.FileAlreadyExistsException x -> "already exists";
                case java.nio.file.DirectoryNotEmptyException x -> "directory not empty";
                case java.nio.file.NotDirectoryException x -> "not a directory";
                default -> f.getClass().getSimpleName();
            };
            return (f.getFile() == null ? "" : f.getFile() + ": ") + what;
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
