package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.BackupRestore;
import dev.hyperlab.api.lab.BackupRun;
import dev.hyperlab.api.lab.HostFilesRun;
import dev.hyperlab.api.lab.HostImageRun;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.core.backup.BackupResult;
import dev.hyperlab.core.backup.BackupSource;
import dev.hyperlab.core.backup.BackupStrategies;
import dev.hyperlab.core.backup.Qcow2BitmapTracker;
import dev.hyperlab.core.backup.RestoreResult;
import dev.hyperlab.core.backup.SourceImage;
import dev.hyperlab.core.engine.LabBackups;
import dev.hyperlab.core.lab.RepositoryBackups;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@link dev.hyperlab.api.lab.Backups} facade of a QEMU lab: the same repository, commands and records as a
 * simulated lab's, over real VMs (docs/backup.md, "Real VMs").
 *
 * <ul>
 *   <li>A VM that is off (defined, shut off, crashed, suspended) is read from its image files with hyperlab's own
 *       qcow2 code, its persistent dirty bitmap ({@link Qcow2BitmapTracker}) giving the incremental's clusters.</li>
 *   <li>A VM whose QEMU runs is backed up live by QEMU's own incremental backup ({@link QemuLiveBackup}): one QMP
 *       transaction starts a {@code blockdev-backup} of every disk into a temporary qcow2 in the VM's directory and
 *       a new dirty bitmap, which is the consistent point; the VM runs on.</li>
 *   <li>{@code restore --as-vm} writes the disks as qcow2 images in the new VM's directory, defines the VM and boots
 *       it; the recovery time is wall time.</li>
 * </ul>
 */
final class QemuBackups extends RepositoryBackups {
    /** Test hook: runs once a live backup's consistent point is taken, before its copy is awaited. */
    static volatile Consumer<String> afterPoint = vm -> {};

    private final QemuLab lab;

    private QemuBackups(QemuLab lab, Opened opened) {
        super(opened.dir(), opened.repo());
        this.lab = lab;
    }

    static QemuBackups init(QemuLab lab, String dir, String password) {
        return new QemuBackups(lab, initRepository(dir, password, false));
    }

    static QemuBackups open(QemuLab lab, String dir, String password) {
        return new QemuBackups(lab, openRepository(dir, password));
    }

    /** A QEMU lab has no dry runs (it cannot be forked). */
    @Override
    protected boolean dryRun() {
        return false;
    }

    @Override
    protected Duration labNow() {
        return lab.now();
    }

    /** The name of disk {@code i} of a real VM in its backups. */
    static String diskName(int i) {
        return "disk" + i;
    }

    // ---- run ------------------------------------------------------------------------------------------------------

    @Override
    public BackupRun run(String vm, String strategy) {
        String id = strategy == null || strategy.isEmpty() ? "incremental" : strategy;
        BackupStrategy s = BackupStrategies.find(id, List.of()).orElseThrow(() -> LabException.invalid(
                "no backup strategy '" + id + "' for real VMs", "full, incremental or dedup (a plugin's strategies "
                        + "back up simulated VMs)"));
        lab.vm(vm); // NOT_FOUND before anything else
        QemuVmRecord r = lab.record(vm);
        VmState state = lab.state(vm);
        boolean live = switch (state) {
            case STARTING, RUNNING, PAUSED -> true; // QEMU has the disks open: only QEMU reads them consistently
            case DEFINED, SHUTOFF, CRASHED, SUSPENDED -> false;
        };
        Duration at = lab.now();
        long startMicros = ConsoleWatcher.nowMicros();
        long t0 = System.nanoTime();
        BackupResult result = live ? new QemuLiveBackup(lab, repo(), vm, afterPoint).run(s, config(r), at.toNanos())
                : offline(r, s, at.toNanos());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        // the timeline's backup row, as a simulated VM's: from the call to the backup in the repository
        BackupLog.append(QemuVmFiles.of(lab.dir(), vm).backups(), new BackupLog.Span(startMicros,
                startMicros + took.toNanos() / 1000, live ? "live, blockdev-backup" : "offline"));
        return new BackupRun(info(result.backup()), live, at, took, result.warnings());
    }

    /** Reads the images of a VM whose QEMU does not run with hyperlab's own image code. */
    private BackupResult offline(QemuVmRecord r, BackupStrategy s, long labTime) {
        List<DiskImage> opened = new ArrayList<>();
        try {
            List<SourceImage> disks = new ArrayList<>();
            for (int i = 0; i < r.disks().size(); i++) {
                Path p = Path.of(r.disks().get(i));
                if (ImageFormat.of(p).equals("qcow2")) {
                    Qcow2Image img = DiskImages.openQcow2(p, false);
                    opened.add(img);
                    // a bitmap QEMU left in use (a VM that crashed) says "changes unknown": a full backup of the disk
                    disks.add(new SourceImage(diskName(i), img, Optional.of(Qcow2BitmapTracker.start(img))));
                } else {
                    DiskImage img = DiskImages.open(p, true);
                    opened.add(img);
                    disks.add(new SourceImage(diskName(i), img));
                }
            }
            return repo().run(s, new BackupSource(r.name(), disks, config(r), labTime));
        } catch (IOException e) {
            throw failed("backup of VM " + r.name(), e);
        } finally {
            for (DiskImage img : opened) {
                try {
                    img.close();
                } catch (IOException e) {
                    // the backup's own result or error is what to report
                }
            }
        }
    }

    /** What a backup records of a real VM: as a simulated VM's (LabBackups), so either lab restores it. */
    static Map<String, Object> config(QemuVmRecord r) throws LabException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("host", QemuHost.NAME);
        c.put("backend", "qemu");
        c.put("vcpus", r.vcpus());
        c.put("memory", r.memory());
        c.put("firmware", r.firmware());
        c.put("os", r.os());
        c.put("drivers", List.of("virtio-blk"));
        c.put("bootPriority", r.bootPriority());
        List<Object> disks = new ArrayList<>();
        for (int i = 0; i < r.disks().size(); i++) {
            disks.add(Map.of("device", diskName(i), "format", ImageFormat.of(Path.of(r.disks().get(i)))));
        }
        c.put("disks", disks);
        return c;
    }

    // ---- restore as a VM ------------------------------------------------------------------------------------------

    @Override
    public BackupRestore restoreAsVm(String id, String name, String host, Wait wait) {
        var b = core(id);
        if (!kind(b).equals("vm")) {
            throw LabException.invalid("backup " + b.shortId() + " is not a VM's backup: it has no VM definition to "
                    + "restore as a VM", "restore it to files ({restore.path})");
        }
        if (host != null && !host.isEmpty() && !host.equals(QemuHost.NAME)) {
            throw LabException.notFound("no host '" + host + "'", "a QEMU lab has one host, local");
        }
        if (lab.findVm(name).isPresent()) {
            throw LabException.conflict("VM '" + name + "' exists", "give another name, or vm delete it");
        }
        List<Long> sizes = b.disks().stream().map(dev.hyperlab.core.backup.BackupDisk::virtualSize).toList();
        // the definition checked before a byte is written: a refused one leaves nothing behind
        VmSpec spec = LabBackups.restoreSpec(name, QemuHost.NAME, b.config(), sizes).withDrivers(List.of());
        QemuVmFiles files = QemuVmFiles.of(lab.dir(), name);
        Duration started = lab.now();
        long t0 = System.nanoTime();
        List<Path> paths = new ArrayList<>();
        List<BackupRestore.RestoredDisk> disks = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        boolean defined = false;
        try {
            files.create();
            for (int i = 0; i < sizes.size(); i++) {
                Path p = files.dir().resolve("disk" + i + ".qcow2");
                DiskImages.create(p, dev.hyperlab.core.storage.ImageFormat.QCOW2, sizes.get(i)).close();
                paths.add(p);
            }
            lab.createVm(spec.withDisks(paths.stream().map(Path::toString).toList()));
            defined = true;
            for (int i = 0; i < sizes.size(); i++) {
                var d = b.disks().get(i);
                RestoreResult r;
                try (DiskImage img = DiskImages.open(paths.get(i), false)) {
                    r = repo().restore(b.id(), d.name(), img);
                }
                collect(r, damaged, warnings);
                disks.add(new BackupRestore.RestoredDisk(d.name(), paths.get(i).toString(), "qcow2", d.virtualSize(),
                        r.bytesWritten()));
            }
        } catch (IOException | RuntimeException e) {
            if (defined) {
                lab.delete(name);
            } else {
                deleteTree(files.dir());
            }
            if (e instanceof IOException io) {
                throw failed("restore of backup " + b.shortId() + " as VM " + name, io);
            }
            throw (RuntimeException) e;
        }
        Duration restore = Duration.ofNanos(System.nanoTime() - t0);
        if (!damaged.isEmpty()) {
            warnings.add("VM " + name + " is defined but not started: its disks are incomplete");
            return new BackupRestore(b.id(), name, QemuHost.NAME, "the one host", disks, damaged, warnings, started,
                    restore, Duration.ZERO);
        }
        long t1 = System.nanoTime();
        lab.start(name, wait);
        Duration boot = wait.waits() ? Duration.ofNanos(System.nanoTime() - t1) : Duration.ZERO;
        return new BackupRestore(b.id(), name, QemuHost.NAME, "the one host", disks, damaged, warnings, started,
                restore, boot);
    }

    private static void deleteTree(Path dir) {
        try (var all = Files.exists(dir) ? Files.walk(dir) : java.util.stream.Stream.<Path>empty()) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left behind: only files
                }
            });
        } catch (IOException e) {
            // as above
        }
    }

    // ---- physical hosts: not on a real machine -------------------------------------------------------------------

    private static LabException noHostImages() {
        return LabException.notAllowed("a QEMU lab's one host is this machine, which hyperlab does not image",
                "back up its VMs (backup run VM), or this machine's files (backup files PATH)");
    }

    @Override
    public HostImageRun image(String host, String strategy) {
        throw noHostImages();
    }

    @Override
    public HostFilesRun backupHostFiles(String host, List<String> paths, List<String> excludes) {
        throw noHostImages();
    }

    @Override
    public BackupRestore restoreToHost(String id, String host, Wait wait) {
        throw noHostImages();
    }
}
