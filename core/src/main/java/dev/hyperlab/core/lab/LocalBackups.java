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
import dev.hyperlab.core.storage.fs.FsException;
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
 * The {@link Backups} facade of a simulated lab: a repository ({@link BackupRepository}, real files outside the lab) and the lab whose
 * VMs it backs up. The lab's side (consistent points, lab time, restored VMs) is {@link LabBackups}; this class joins
 * the two and turns core's records and exceptions into the api's.
 *
 * <p>In a dry run ({@link LocalLab#isDryRun()}) the repository is only read: a backup is predicted (bytes to read,
 * lab time, the VM's pause) on the lab's copy, a restore says what it would write, a prune what it would forget.
 */
final class LocalBackups extends RepositoryBackups {
    private final LocalLab lab;

    private LocalBackups(LocalLab lab, Opened opened) {
        super(opened.dir(), opened.repo());
        this.lab = lab;
    }

    static LocalBackups init(LocalLab lab, String dir, String password) {
        return new LocalBackups(lab, initRepository(dir, password, lab.isDryRun()));
    }

    static LocalBackups open(LocalLab lab, String dir, String password) {
        return new LocalBackups(lab, openRepository(dir, password));
    }

    @Override
    protected boolean dryRun() {
        return lab.isDryRun();
    }

    @Override
    protected Duration labNow() {
        return lab.now();
    }

    /**
     * Refuses a name that is no VM; a physical host's with the two ways a host is backed up, since a user who asks for
     * {@code backup run esx1} wants esx1 backed up.
     */
    private void requireVm(String name) {
        try {
            lab.vm(name);
        } catch (LabException e) {
            if (e.kind() == LabException.Kind.NOT_FOUND && lab.hosts().stream().anyMatch(h -> h.name().equals(name))) {
                throw LabException.notFound("no VM named '" + name + "': '" + name + "' is a physical host, which has "
                        + "no hypervisor underneath it to back it up through", "image its disks offline ({image.host}) "
                        + "or back up files inside it ({backupHostFiles.paths})");
            }
            throw e;
        }
    }

    @Override
    public BackupRun run(String vm, String strategy) {
        String id = strategy == null || strategy.isEmpty() ? "incremental" : strategy;
        // a built-in id never loads the plugins; a plugin's strategy comes guarded, as its firmware and drivers do
        BackupStrategy s = BackupStrategies.find(id, List.of())
                .or(() -> lab.model().extensions().strategy(id))
                .orElseThrow(() -> LabException.invalid("no backup strategy '" + id + "'",
                        "full, incremental, dedup, or a plugin's id (plugin list)"));
        requireVm(vm); // NOT_FOUND before anything else
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
            } catch (FsException e) {
                if (e.reason() != FsException.Reason.UNKNOWN_FILE_SYSTEM) {
                    throw failed("file backup of host " + host, e);
                }
                // host install lays out the partitions and the ESP; the root file system is the user's golden image
                throw LabException.notAllowed("file backup of host " + host + ": " + e.getMessage(), "put a root file "
                        + "system in its root partition while it is off, with mkfs.ext4 -d as docs/backup.md shows; or "
                        + "image its disks with {image.host}");
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
        List<String> devices = b.disks().stream().map(dev.hyperlab.core.backup.BackupDisk::name).toList();
        BackupRestore[] out = new BackupRestore[1];
        lab.change(m -> {
            LabHostImages hi = m.hostImages();
            List<DiskImage> targets = hi.restoreTargets(host, b.shortId(), devices, sizes,
                    b.config().get("firmware") instanceof String f ? f : "");
            // saved as off before a byte is written: a restore cut short (a killed process) leaves a host that is off
            // and does not boot (its boot disk's head is written last), not one the lab still lists as running
            lab.checkpoint();
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
                    if (targets.get(i).virtualSize() > d.virtualSize()) {
                        // a larger replacement disk: its GPT's backup belongs in its last sector, as sgdisk -e puts it
                        dev.hyperlab.core.storage.layout.GptGrow.moveBackupToEnd(targets.get(i));
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
    public BackupRestore restoreAsVm(String id, String name, String host, Wait wait) {
        dev.hyperlab.core.backup.BackupInfo b = core(id);
        if (kind(b).equals(LabHostImages.KIND)) {
            throw LabException.invalid("backup " + b.shortId() + " is a physical host's image: it has no VM "
                    + "definition to restore as a VM", "restore it onto a host ({restoreToHost.host}) or to files ({restore.path})");
        }
        List<Long> sizes = b.disks().stream().map(dev.hyperlab.core.backup.BackupDisk::virtualSize).toList();
        List<String> devices = b.disks().stream().map(dev.hyperlab.core.backup.BackupDisk::name).toList();
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
}
