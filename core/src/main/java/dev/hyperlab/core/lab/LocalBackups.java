package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.BackupCheck;
import dev.hyperlab.api.lab.BackupCopy;
import dev.hyperlab.api.lab.BackupInfo;
import dev.hyperlab.api.lab.BackupListing;
import dev.hyperlab.api.lab.BackupPrune;
import dev.hyperlab.api.lab.BackupRestore;
import dev.hyperlab.api.lab.BackupRun;
import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.FileBackupRun;
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
 * The {@link Backups} facade: a repository ({@link BackupRepository}, real files outside the lab) and the lab whose
 * VMs it backs up. The lab's side (consistent points, lab time, restored VMs) is {@link LabBackups}; this class joins
 * the two and turns core's records and exceptions into the api's.
 *
 * <p>In a dry run ({@link LocalLab#isDryRun()}) the repository is only read: a backup is predicted (bytes to read,
 * lab time, the VM's pause) on the lab's copy, a restore says what it would write, a prune what it would forget.
 */
final class LocalBackups implements Backups {
    /** How long a restored VM may take to boot before the restore reports a timeout. */
    /** The note the built-in incremental strategy ends a per-disk fall back to a full backup with. */
    private static final String FALLBACK = "full backup of it instead";

    private final LocalLab lab;
    /** The repository's directory, or its {@code s3:} location. */
    private final String dir;
    /** Empty only for a repository a dry run would have created. */
    private final Optional<BackupRepository> repo;

    private LocalBackups(LocalLab lab, String dir, Optional<BackupRepository> repo) {
        this.lab = lab;
        this.dir = dir;
        this.repo = repo;
    }

    static LocalBackups init(LocalLab lab, String dir, String password) {
        Optional<char[]> pw = password == null || password.isEmpty() ? Optional.empty()
                : Optional.of(password.toCharArray());
        if (dir != null && S3Location.is(dir)) {
            S3Location location = io(() -> S3Location.parse(dir));
            if (lab.isDryRun()) {
                return new LocalBackups(lab, location.toString(), Optional.empty());
            }
            return new LocalBackups(lab, location.toString(), Optional.of(io(() -> BackupRepository.init(
                    S3Backend.fromEnvironment(location, System.getenv()), pw, KdfParams.DEFAULT,
                    BackupRepository.DEFAULT_COMPRESSION_LEVEL))));
        }
        Path path = path(dir);
        if (lab.isDryRun()) {
            requireNewRepository(path);
            return new LocalBackups(lab, path.toString(), Optional.empty());
        }
        return new LocalBackups(lab, path.toString(), Optional.of(io(() -> BackupRepository.init(path, pw))));
    }

    static LocalBackups open(LocalLab lab, String dir, String password) {
        Optional<char[]> pw = password == null || password.isEmpty() ? Optional.empty()
                : Optional.of(password.toCharArray());
        if (dir != null && S3Location.is(dir)) {
            // the S3 client (java.net.http) loads only here, so a lab without an s3: repository never pays for it
            S3Location location = io(() -> S3Location.parse(dir));
            return new LocalBackups(lab, location.toString(), Optional.of(io(() -> BackupRepository.open(
                    S3Backend.fromEnvironment(location, System.getenv()), pw))));
        }
        Path path = path(dir);
        if (!Files.isRegularFile(path.resolve("config"))) {
            throw LabException.notFound("no backup repository in " + path, "create one with backup init " + path);
        }
        return new LocalBackups(lab, path.toString(), Optional.of(io(() -> BackupRepository.open(path, pw))));
    }

    private static Path path(String dir) {
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

    private BackupRepository repo() {
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
    public BackupRun run(String vm, String strategy) {
        String id = strategy == null || strategy.isEmpty() ? "incremental" : strategy;
        // a built-in id never loads the plugins; a plugin's strategy comes guarded, as its firmware and drivers do
        BackupStrategy s = BackupStrategies.find(id, List.of())
                .or(() -> lab.model().extensions().strategy(id))
                .orElseThrow(() -> LabException.invalid("no backup strategy '" + id + "'",
                        "full, incremental, dedup, or a plugin's id (plugin list)"));
        lab.vm(vm); // NOT_FOUND before anything else
        BackupRun[] out = new BackupRun[1];
        lab.change(m -> {
            LabBackups b = m.backups();
            LabBackups.Point p = b.begin(vm, lab::checkpoint);
            if (lab.isDryRun()) {
                long bytes;
                try {
                    bytes = predictRead(s.id(), p);
                } catch (IOException e) {
                    b.abort(p);
                    throw failed("backup of " + vm, e);
                }
                Duration took = b.end(p, bytes, lab.progress());
                out[0] = new BackupRun(new BackupInfo("", vm, s.id(), Duration.ofNanos(p.time()), List.of(),
                        List.of(), bytes, 0, false, List.of("dry run: predicted, nothing written to " + dir), List.of(),
                        "", BackupInfo.Files.NONE, "vm"), p.live(), Duration.ofNanos(p.time()), took, List.of());
                return;
            }
            BackupResult r;
            try {
                r = repo().run(s, new BackupSource(vm, p.disks(), p.config(), p.time()));
            } catch (IOException e) {
                b.abort(p);
                throw failed("backup of " + vm, e);
            } catch (RuntimeException e) {
                b.abort(p);
                throw e;
            }
            Duration took = b.end(p, r.backup().bytesRead(), lab.progress());
            out[0] = new BackupRun(info(r.backup()), p.live(), Duration.ofNanos(p.time()), took, r.warnings());
        });
        return out[0];
    }

    /** Bytes a backup would read: the changed clusters for an unbroken incremental chain, else all data. */
    private long predictRead(String strategy, LabBackups.Point p) throws IOException {
        List<String> ids = repo.isPresent() ? repo.get().list().stream()
                .map(dev.hyperlab.core.backup.BackupInfo::id).toList() : List.of();
        long bytes = 0;
        for (SourceImage d : p.disks()) {
            Optional<ChangedBlockTracker> t = d.tracker();
            if (strategy.equals("incremental") && t.isPresent() && t.get().consistent() && t.get().since().isPresent()
                    && ids.contains(t.get().since().get())) {
                for (ByteRange r : t.get().changed()) {
                    bytes += r.length();
                }
            } else {
                for (Extent e : d.image().map(0, d.image().virtualSize())) {
                    bytes += e.data() ? e.length() : 0;
                }
            }
        }
        return bytes;
    }

    // ---- list -----------------------------------------------------------------------------------------------------

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
        List<BackupInfo> backups = io(() -> repo.get().list(unreadable)).stream().map(LocalBackups::info).toList();
        return new BackupListing(backups, unreadable);
    }

    @Override
    public BackupInfo backup(String id) {
        return info(core(id));
    }

    private dev.hyperlab.core.backup.BackupInfo core(String id) {
        return io(() -> repo().info(id));
    }

    static BackupInfo info(dev.hyperlab.core.backup.BackupInfo b) {
        FileCounts c = b.files();
        return new BackupInfo(b.id(), b.source(), b.strategy(), Duration.ofNanos(b.labTime()), b.parents(),
                b.disks().stream().map(d -> new BackupInfo.Disk(d.name(), d.format(), d.virtualSize(), d.dataBytes()))
                        .toList(), b.bytesRead(), b.bytesAdded(), b.notes().stream().anyMatch(n -> n.endsWith(FALLBACK)),
                b.notes(), b.paths(), b.isFiles() ? FileViews.instant(b.time()) : "",
                new BackupInfo.Files(c.files(), c.directories(), c.others(), c.bytes(), c.newFiles(), c.changedFiles(),
                        c.unchangedFiles()), kind(b));
    }

    /** {@code files}, {@code host-image} (its configuration says so) or {@code vm}. */
    private static String kind(dev.hyperlab.core.backup.BackupInfo b) {
        return b.isFiles() ? "files" : LabHostImages.KIND.equals(b.config().get("kind")) ? LabHostImages.KIND : "vm";
    }

    // ---- physical hosts ---------------------------------------------------------------------------------------------

    @Override
    public HostImageRun image(String host, String strategy) {
        String id = strategy == null || strategy.isEmpty() ? "full" : strategy;
        if (!List.of("full", "dedup", "incremental").contains(id)) {
            throw LabException.invalid("no host image strategy '" + id + "'", "full or dedup (incremental falls back "
                    + "to full: no lab host's OS has a change tracker)");
        }
        BackupStrategy s = BackupStrategies.find(id, List.of()).orElseThrow();
        lab.host(host); // NOT_FOUND before anything else
        List<String> warnings = new ArrayList<>();
        if (id.equals("incremental")) {
            warnings.add("host " + host + " has no change tracker in its OS (the filter driver imaging products "
                    + "install): a full image instead");
        }
        HostImageRun[] out = new HostImageRun[1];
        lab.change(m -> {
            LabHostImages hi = m.hostImages();
            LabHostImages.Point p = hi.begin(host);
            BackupInfo info;
            if (lab.isDryRun()) {
                long bytes = p.disks().stream().mapToLong(d -> LabHostImages.dataBytes(d.image())).sum();
                info = new BackupInfo("", host, s.id(), Duration.ofNanos(p.time()), List.of(), p.disks().stream()
                        .map(d -> new BackupInfo.Disk(d.name(), "raw", d.image().virtualSize(),
                                LabHostImages.dataBytes(d.image()))).toList(), bytes, 0,
                        false, List.of("dry run: predicted, nothing written to " + dir), List.of(), "",
                        BackupInfo.Files.NONE, LabHostImages.KIND);
            } else {
                BackupResult r;
                try {
                    r = repo().run(s, new BackupSource(host, p.disks(), p.config(), p.time()));
                } catch (IOException e) {
                    hi.abort(p);
                    throw failed("image of host " + host, e);
                } catch (RuntimeException e) {
                    hi.abort(p);
                    throw e;
                }
                info = info(r.backup());
                warnings.addAll(r.warnings());
            }
            // the data the image holds of each disk: what the imaging environment read of it
            LabHostImages.Downtime d = hi.end(p, info.disks().stream().map(BackupInfo.Disk::dataBytes).toList(),
                    lab.progress());
            out[0] = new HostImageRun(info, Duration.ofNanos(p.time()), d.environmentBoot(), d.read(), p.wasUp(),
                    warnings);
        });
        return out[0];
    }

    @Override
    public HostFilesRun backupHostFiles(String host, List<String> paths, List<String> excludes) {
        List<String> p = paths == null ? List.of() : paths;
        List<String> x = excludes == null ? List.of() : excludes;
        if (p.isEmpty()) {
            throw LabException.invalid("no paths to back up", "name files or directories inside the host, e.g. /etc");
        }
        lab.host(host); // NOT_FOUND before anything else
        if (lab.isDryRun() && repo.isEmpty()) {
            throw LabException.notAllowed("repository " + dir + " exists only in this dry run",
                    "create it for real first, not in a dry run");
        }
        HostFilesRun[] out = new HostFilesRun[1];
        lab.change(m -> {
            LabHostFiles hf = m.hostFiles();
            LabHostFiles.Point point = hf.begin(host);
            FileBackupResult r;
            HostDiskFiles files;
            try {
                files = HostDiskFiles.of(point.disks());
                r = repo().backupFiles(host, files, p, x, point.config(), point.time(), lab.isDryRun());
            } catch (IOException e) {
                throw failed("file backup of host " + host, e);
            }
            List<String> warnings = new ArrayList<>(files.warnings());
            warnings.addAll(r.warnings());
            var counts = r.backup().files();
            long entries = counts == null ? 0 : counts.files() + counts.directories() + counts.others();
            Duration took = hf.end(point, lab.isDryRun() ? r.bytesToRead() : r.bytesRead(), entries, lab.progress());
            out[0] = new HostFilesRun(info(r.backup()), r.bytesRead(), r.bytesToRead(),
                    r.leftOut() + files.warnings().size(), Duration.ofNanos(point.time()), took, files.notes(),
                    warnings);
        });
        return out[0];
    }

    @Override
    public BackupRestore restoreToHost(String id, String host, Wait wait) {
        dev.hyperlab.core.backup.BackupInfo b = core(id);
        if (!kind(b).equals(LabHostImages.KIND)) {
            throw LabException.invalid("backup " + b.shortId() + " is " + (b.isFiles() ? "a file backup" : "a VM's backup")
                    + ": a bare-metal restore takes a host image ({image.host})", b.isFiles()
                    ? "restore it {restoreFiles.directory}" : "restore it {restoreAsVm.name} or {restore.path}");
        }
        lab.host(host); // NOT_FOUND before anything else
        List<Long> sizes = b.disks().stream().map(dev.hyperlab.core.backup.BackupDisk::virtualSize).toList();
        BackupRestore[] out = new BackupRestore[1];
        lab.change(m -> {
            LabHostImages hi = m.hostImages();
            List<DiskImage> targets = hi.restoreTargets(host, sizes);
            Duration started = Duration.ofNanos(m.sim().now());
            List<BackupRestore.RestoredDisk> disks = new ArrayList<>();
            List<String> damaged = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            List<Long> bytes = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                var d = b.disks().get(i);
                bytes.add(d.dataBytes());
                disks.add(new BackupRestore.RestoredDisk(d.name(), targets.get(i).path().toString(), "raw",
                        targets.get(i).virtualSize(), d.dataBytes()));
            }
            // a dry run (a fork) restores too: into the fork's copies of the disks, which the original never sees, so
            // its prediction includes the boot from the restored disks
            try {
                // the boot disk last: until its first MiB is written, nothing of a cut-short restore boots
                for (int i = targets.size() - 1; i >= 0; i--) {
                    var d = b.disks().get(i);
                    RestoreResult r = repo().restoreBootLast(b.id(), d.name(), targets.get(i),
                            LabHostImages.BOOT_HEAD_BYTES);
                    collect(r, damaged, warnings);
                    bytes.set(i, r.bytesWritten());
                    disks.set(i, new BackupRestore.RestoredDisk(d.name(), targets.get(i).path().toString(), "raw",
                            targets.get(i).virtualSize(), r.bytesWritten()));
                    if (!r.complete()) {
                        break; // the disks before it keep their first MiB zero: the host does not boot half restored
                    }
                }
            } catch (IOException e) {
                throw failed("bare-metal restore of backup " + b.shortId() + " to host " + host
                        + " (the host is off and does not boot until a restore completes)", e);
            }
            if (!damaged.isEmpty()) {
                warnings.add("host " + host + " is left off: its disks are incomplete and do not boot");
                out[0] = new BackupRestore(b.id(), "", host, "bare-metal restore", disks, damaged, warnings, started,
                        Duration.ZERO, Duration.ZERO);
                return;
            }
            LabHostImages.Recovery r = hi.recover(host, b.config(), bytes, wait.waits(), wait.timeout(),
                    lab.progress());
            if (r.state() == dev.hyperlab.api.lab.HostState.FAILED) {
                warnings.add("host " + host + " failed to boot from the restored image: " + r.reason());
            } else if (wait.waits() && r.state() != dev.hyperlab.api.lab.HostState.RUNNING) {
                warnings.add("host " + host + " was still booting when the wait ended (wait host " + host + ")");
            }
            out[0] = new BackupRestore(b.id(), "", host, "bare-metal restore", disks, damaged, warnings, started,
                    r.restore(), r.boot());
        });
        return out[0];
    }

    // ---- restore --------------------------------------------------------------------------------------------------

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
        Duration now = lab.now();
        List<BackupRestore.RestoredDisk> disks = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (lab.isDryRun()) {
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
    private static void removeAll(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                // left behind, and the restore's own error is the one to report
            }
        }
    }

    private static void collect(RestoreResult r, List<String> damaged, List<String> warnings) {
        for (RestoreResult.DamagedRange x : r.damaged()) {
            damaged.add("disk " + r.disk() + " bytes " + x.offset() + "+" + x.length() + ": " + x.reason());
        }
        warnings.addAll(r.warnings());
    }

    @Override
    public BackupRestore restoreAsVm(String id, String name, String host, Wait wait) {
        dev.hyperlab.core.backup.BackupInfo b = core(id);
        if (kind(b).equals(LabHostImages.KIND)) {
            throw LabException.invalid("backup " + b.shortId() + " is a physical host's image: it has no VM "
                    + "definition to restore as a VM", "restore it onto a host ({restoreToHost.host}) or to files ({restore.path})");
        }
        List<Long> sizes = b.disks().stream().map(dev.hyperlab.core.backup.BackupDisk::virtualSize).toList();
        BackupRestore[] out = new BackupRestore[1];
        lab.change(m -> {
            LabBackups lb = m.backups();
            LabBackups.Placement where = lb.place(name, b.config(), host == null ? "" : host);
            VmSpec spec = LabBackups.restoreSpec(name, where.host(), b.config(), sizes);
            Duration started = Duration.ofNanos(m.sim().now());
            List<DiskImage> images = lb.defineRestored(spec);
            List<String> paths = lb.diskPaths(name);
            List<BackupRestore.RestoredDisk> disks = new ArrayList<>();
            List<String> damaged = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            long bytes = 0;
            try {
                for (int i = 0; i < images.size(); i++) {
                    var d = b.disks().get(i);
                    RestoreResult r = repo().restore(b.id(), d.name(), images.get(i));
                    collect(r, damaged, warnings);
                    bytes += r.bytesWritten();
                    disks.add(new BackupRestore.RestoredDisk(d.name(), paths.get(i), images.get(i).format().qemuName(),
                            d.virtualSize(), r.bytesWritten()));
                }
            } catch (IOException e) {
                m.deleteVm(name);
                throw failed("restore of backup " + b.shortId() + " as VM " + name, e);
            }
            if (!damaged.isEmpty()) {
                // a VM whose disks have holes where data was is not booted: the person decides what to do with it
                warnings.add("VM " + name + " is defined but not started: its disks are incomplete");
                out[0] = new BackupRestore(b.id(), name, where.host(), where.why(), disks, damaged, warnings, started,
                        Duration.ZERO, Duration.ZERO);
                return;
            }
            Duration[] t = lb.recover(name, bytes, wait, lab.progress());
            out[0] = new BackupRestore(b.id(), name, where.host(), where.why(), disks, damaged, warnings, started, t[0],
                    t[1]);
        });
        return out[0];
    }

    // ---- check, prune ---------------------------------------------------------------------------------------------

    @Override
    public BackupCheck check(boolean readData) {
        BackupCheckReport r = io(() -> repo().check(readData));
        return new BackupCheck(dir, r.readData(), r.backups(), r.packs(), r.blobs(), r.bytesRead(),
                r.errors(), r.damagedBackups(), r.notes());
    }

    @Override
    public BackupPrune forget(List<String> ids, boolean prune) {
        if (ids == null || ids.isEmpty()) {
            throw LabException.invalid("no backup to forget", "name one or more ids (backup list shows them)");
        }
        if (lab.isDryRun()) {
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
        if (lab.isDryRun()) {
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
        long labTime = lab.now().toNanos();
        Instant now = Instant.now(); // files of the real machine: their backup's time is the real one
        long time = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        boolean dry = lab.isDryRun();
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
    public FileRestore restoreFiles(String id, String directory, List<String> includes, boolean overwrite) {
        Path target = path(directory);
        List<String> inc = includes == null ? List.of() : includes;
        FileRestoreResult r;
        try {
            r = lab.isDryRun() ? repo().planRestoreFiles(id, target.toString(), inc)
                    : repo().restoreFiles(id, target.toString(), inc, overwrite);
        } catch (IOException e) {
            throw failed("restore of backup " + id, e);
        }
        List<String> warnings = lab.isDryRun() ? List.of("dry run: nothing written") : r.warnings();
        return new FileRestore(r.backupId(), r.target(), r.files(), r.directories(), r.others(), r.links(),
                r.bytesWritten(), r.damaged(), warnings);
    }

    // ---- copy -----------------------------------------------------------------------------------------------------

    @Override
    public BackupCopy copy(Backups to, List<String> ids) {
        if (!(to instanceof LocalBackups target)) {
            throw LabException.invalid("cannot copy to " + to, "open the target with lab.backups(dir, password)");
        }
        List<String> wanted = ids == null ? List.of() : ids;
        if (lab.isDryRun() || target.repo.isEmpty()) {
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

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private static <T> T io(IoCall<T> call) {
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
    private static LabException failed(String what, IOException e) {
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
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new LabException(LabException.Kind.IO, (what.isEmpty() ? "" : what + " failed: ") + why, "", e);
    }
}
