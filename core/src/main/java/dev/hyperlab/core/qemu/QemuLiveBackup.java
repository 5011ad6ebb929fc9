package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.core.backup.BackupRepository;
import dev.hyperlab.core.backup.BackupResult;
import dev.hyperlab.core.backup.BackupSource;
import dev.hyperlab.core.backup.ChangedBlockTracker;
import dev.hyperlab.core.backup.Qcow2BitmapTracker;
import dev.hyperlab.core.backup.RepositoryException;
import dev.hyperlab.core.backup.SourceImage;
import dev.hyperlab.core.qemu.qmp.QmpException;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One live backup of a running real VM, as QEMU's own incremental backup does it ("push" mode, QEMU's
 * docs/interop/bitmaps.rst): the VM runs on throughout.
 *
 * <ol>
 *   <li>For each disk a temporary qcow2 {@code vms/NAME/backup-diskI.qcow2} (an overlay over an empty
 *       {@code backup-base-diskI.qcow2}, so that what QEMU writes into it, data or zeros, is told apart from what it
 *       did not write) is attached to QEMU ({@code blockdev-add}).</li>
 *   <li>One QMP {@code transaction} is the consistent point of all disks at once: per disk a {@code blockdev-backup}
 *       job into the copy, {@code sync=full}, or {@code sync=bitmap} with the disk's persistent bitmap
 *       {@code hyperlab-cbt@ID} (the clusters written since backup ID) and {@code bitmap-mode=never}; and a new,
 *       empty bitmap {@code hyperlab-cbt-pending} that records every write from the point on. The job copies a
 *       cluster before the guest overwrites it (copy-before-write), so the copy is the disk at the point.</li>
 *   <li>When the jobs have concluded and the copies are detached, the repository reads them with hyperlab's own qcow2
 *       code; for an incremental, the clusters the copy holds are exactly those the bitmap marked.</li>
 *   <li>Only once the backup is recorded does each disk's bitmap rotate ({@link Tracker#restart}): in one
 *       transaction {@code hyperlab-cbt@NEW} (persistent) is added, the pending bitmap merged into it and removed,
 *       and the old one removed. A backup that fails leaves the old bitmap as it was (it went on recording), so the
 *       next incremental still covers everything since the last backup.</li>
 *   <li>Whatever happens, the jobs are cancelled, the copies detached and their files removed, and a pending bitmap
 *       of a failed backup removed.</li>
 * </ol>
 */
final class QemuLiveBackup {
    static final String PENDING = Qcow2BitmapTracker.PREFIX + "-pending";
    /** Room for a large disk under TCG on a loaded machine; a job that takes longer is cancelled. */
    static final Duration JOB_TIMEOUT = Duration.ofHours(2);
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(30);
    /** A bound above any disk QEMU makes (2^61 bytes); creating the copy refuses what qcow2 cannot address. */
    private static final long MAX_DISK = 1L << 61;

    private final QemuLab lab;
    private final BackupRepository repo;
    private final String vm;
    private final Consumer<String> afterPoint;
    private final QemuVmFiles files;

    /** One disk of the VM as QEMU shows it, and what this backup does with it. */
    private static final class Disk {
        final int index;
        final String node;
        final long size;
        /** Whether its format stores a bitmap (qcow2); a raw disk's lives in QEMU's memory only. */
        final boolean persistent;
        /** The disk's tracking bitmaps, oldest first. */
        final List<String> bitmaps = new ArrayList<>();
        long granularity = Qcow2BitmapTracker.DEFAULT_GRANULARITY;
        /** The bitmap whose clusters are copied ({@code sync=bitmap}), or null for a full copy. */
        String base;
        String baseId;
        Path copy;
        Path copyBase;
        String copyNode;
        boolean attached;
        boolean jobRunning;
        boolean pendingAdded;
        boolean rotated;

        Disk(int index, String node, long size, boolean persistent) {
            this.index = index;
            this.node = node;
            this.size = size;
            this.persistent = persistent;
        }
    }

    QemuLiveBackup(QemuLab lab, BackupRepository repo, String vm, Consumer<String> afterPoint) {
        this.lab = lab;
        this.repo = repo;
        this.vm = vm;
        this.afterPoint = afterPoint;
        this.files = QemuVmFiles.of(lab.dir(), vm);
    }

    BackupResult run(BackupStrategy strategy, Map<String, Object> config, long labTime) {
        List<Disk> disks = disks();
        List<DiskImage> opened = new ArrayList<>();
        try {
            Set<String> ids = new HashSet<>();
            for (var b : repo.list()) {
                ids.add(b.id());
            }
            for (Disk d : disks) {
                choose(d, strategy.id().equals("incremental"), ids);
                if (d.bitmaps.contains(PENDING)) { // left by a hyperlab killed during a backup
                    lab.command(vm, "block-dirty-bitmap-remove", Map.of("node", d.node, "name", PENDING));
                }
                attachCopy(d);
            }
            List<Object> actions = new ArrayList<>();
            for (Disk d : disks) {
                Map<String, Object> job = new LinkedHashMap<>();
                job.put("job-id", d.copyNode);
                job.put("device", d.node);
                job.put("target", d.copyNode);
                if (d.base != null) {
                    job.put("sync", "bitmap");
                    job.put("bitmap", d.base);
                    job.put("bitmap-mode", "never"); // the bitmap rotates only once the repository has the backup
                } else {
                    job.put("sync", "full");
                }
                job.put("auto-dismiss", false);
                actions.add(Map.of("type", "blockdev-backup", "data", job));
                actions.add(Map.of("type", "block-dirty-bitmap-add", "data",
                        Map.of("node", d.node, "name", PENDING, "persistent", false, "granularity", d.granularity)));
            }
            lab.command(vm, "transaction", Map.of("actions", actions));
            for (Disk d : disks) {
                d.jobRunning = true;
                d.pendingAdded = true;
            }
            afterPoint.accept(vm);
            for (Disk d : disks) {
                lab.awaitJob(vm, d.copyNode, "blockdev-backup", JOB_TIMEOUT);
                d.jobRunning = false;
            }
            for (Disk d : disks) {
                lab.command(vm, "blockdev-del", Map.of("node-name", d.copyNode));
                d.attached = false;
            }
            List<SourceImage> sources = new ArrayList<>();
            for (Disk d : disks) {
                DiskImage img = DiskImages.open(d.copy, true);
                opened.add(img);
                sources.add(new SourceImage(QemuBackups.diskName(d.index), img, Optional.of(new Tracker(d, img))));
            }
            BackupResult r = repo.run(strategy, new BackupSource(vm, sources, config, labTime));
            for (Disk d : disks) {
                String prefix = "disk " + QemuBackups.diskName(d.index) + ": ";
                if (d.base != null && r.backup().notes().stream().anyMatch(n -> n.startsWith(prefix))) {
                    // the copy holds only the changed clusters: stored as a full backup it would restore holes
                    repo.forget(List.of(r.backup().id()), true);
                    throw new LabException(LabException.Kind.IO, "live backup of VM " + vm + " failed: the "
                            + "repository did not take disk " + QemuBackups.diskName(d.index) + " as incremental",
                            "run backup run " + vm + " {strategy} full");
                }
            }
            return r;
        } catch (RepositoryException e) {
            throw new LabException(LabException.Kind.IO, e.getMessage(), "", e);
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "live backup of VM " + vm + " failed: " + e.getMessage(),
                    "", e);
        } catch (LabException | QmpException e) {
            if (lab.state(vm) == dev.hyperlab.api.lab.VmState.CRASHED) {
                throw new LabException(LabException.Kind.IO, "live backup of VM " + vm + " failed: its QEMU ended "
                        + "during the backup; nothing was recorded", "vm info " + vm + " shows QEMU's last words", e);
            }
            throw e;
        } finally {
            for (DiskImage img : opened) {
                try {
                    img.close();
                } catch (IOException e) {
                    // the backup's own result or error is what to report
                }
            }
            cleanUp(disks);
        }
    }

    /** The VM's disks and their tracking bitmaps, from QMP {@code query-block}. */
    private List<Disk> disks() {
        List<Disk> out = new ArrayList<>();
        if (lab.command(vm, "query-block", Map.of()) instanceof List<?> devices) {
            for (Object o : devices) {
                if (o instanceof Map<?, ?> dev && dev.get("inserted") instanceof Map<?, ?> in
                        && in.get("node-name") instanceof String node && in.get("image") instanceof Map<?, ?> image
                        && image.get("virtual-size") instanceof Number size) {
                    long bytes = size.longValue();
                    if (bytes <= 0 || bytes % 512 != 0 || bytes > MAX_DISK) { // what QEMU says is checked too
                        throw new LabException(LabException.Kind.IO, "QEMU reports a size of " + bytes + " bytes for "
                                + "disk " + out.size() + " of VM " + vm, "vm info " + vm + " shows its disks");
                    }
                    Disk d = new Disk(out.size(), node, bytes, "qcow2".equals(in.get("drv")));
                    if (in.get("dirty-bitmaps") instanceof List<?> bitmaps) {
                        for (Object b : bitmaps) {
                            if (b instanceof Map<?, ?> m && m.get("name") instanceof String n
                                    && (n.equals(Qcow2BitmapTracker.PREFIX) || n.startsWith(Qcow2BitmapTracker.PREFIX
                                            + "@") || n.equals(PENDING))) {
                                d.bitmaps.add(n);
                            }
                        }
                    }
                    out.add(d);
                }
            }
        }
        if (out.size() != lab.record(vm).disks().size()) {
            throw LabException.notAllowed("QEMU shows " + out.size() + " disks for VM " + vm + ", the lab "
                    + lab.record(vm).disks().size(), "vm info " + vm + " shows its disks");
        }
        return out;
    }

    /** Chooses the bitmap an incremental copies: the newest tracking bitmap, usable, whose backup is in the repo. */
    private void choose(Disk d, boolean incremental, Set<String> ids) throws IOException {
        String newest = null;
        for (String b : d.bitmaps) {
            if (!b.equals(PENDING)) {
                newest = b;
            }
        }
        if (newest == null) {
            return;
        }
        Map<?, ?> info = bitmapInfo(d.node, newest);
        if (info.get("granularity") instanceof Number g && g.longValue() > 0) {
            d.granularity = g.longValue();
        }
        int at = newest.indexOf('@');
        if (!incremental || at < 0 || Boolean.TRUE.equals(info.get("inconsistent"))
                || !Boolean.TRUE.equals(info.get("recording")) || Boolean.TRUE.equals(info.get("busy"))) {
            return;
        }
        String id = newest.substring(at + 1);
        if (!ids.contains(id)) {
            return;
        }
        var base = repo.info(id);
        String name = QemuBackups.diskName(d.index);
        if (base.disks().stream().noneMatch(x -> x.name().equals(name) && x.virtualSize() == d.size)) {
            return; // a disk new or resized since: a full copy
        }
        d.base = newest;
        d.baseId = id;
    }

    private Map<?, ?> bitmapInfo(String node, String name) {
        if (lab.command(vm, "query-block", Map.of()) instanceof List<?> devices) {
            for (Object o : devices) {
                if (o instanceof Map<?, ?> dev && dev.get("inserted") instanceof Map<?, ?> in
                        && node.equals(in.get("node-name")) && in.get("dirty-bitmaps") instanceof List<?> bitmaps) {
                    for (Object b : bitmaps) {
                        if (b instanceof Map<?, ?> m && name.equals(m.get("name"))) {
                            return m;
                        }
                    }
                }
            }
        }
        return Map.of();
    }

    /** Creates disk {@code d}'s copy (hyperlab's qcow2 code) and attaches it to QEMU. */
    private void attachCopy(Disk d) throws IOException {
        d.copy = files.dir().resolve("backup-disk" + d.index + ".qcow2");
        d.copyBase = files.dir().resolve("backup-base-disk" + d.index + ".qcow2");
        d.copyNode = "hyperlab-backup-" + d.index;
        Files.deleteIfExists(d.copy); // left by a hyperlab killed during a backup
        Files.deleteIfExists(d.copyBase);
        DiskImages.create(d.copyBase, dev.hyperlab.core.storage.ImageFormat.QCOW2, d.size).close();
        DiskImages.createOverlay(d.copy, d.copyBase, d.size).close();
        Map<String, Object> file = Map.of("driver", "file", "filename", d.copy.toAbsolutePath().toString());
        Map<String, Object> add = new LinkedHashMap<>();
        add.put("driver", "qcow2");
        add.put("node-name", d.copyNode);
        add.put("backing", null); // QEMU writes into the copy only; hyperlab reads it with its empty base below
        add.put("file", file);
        lab.command(vm, "blockdev-add", add);
        d.attached = true;
    }

    /** Cancels what still runs, detaches the copies, removes their files and a failed backup's pending bitmaps. */
    private void cleanUp(List<Disk> disks) {
        for (Disk d : disks) {
            if (d.jobRunning) {
                quietly(() -> lab.command(vm, "job-cancel", Map.of("id", d.copyNode)));
                quietly(() -> {
                    lab.awaitJob(vm, d.copyNode, "blockdev-backup", CANCEL_TIMEOUT);
                    return null;
                });
            }
            if (d.attached) {
                quietly(() -> lab.command(vm, "blockdev-del", Map.of("node-name", d.copyNode)));
            }
            if (d.pendingAdded && !d.rotated) {
                quietly(() -> lab.command(vm, "block-dirty-bitmap-remove", Map.of("node", d.node, "name", PENDING)));
            }
            for (Path p : new Path[] {d.copy, d.copyBase}) {
                if (p != null) {
                    quietly(() -> Files.deleteIfExists(p));
                }
            }
        }
    }

    private interface Step {
        Object run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            // QEMU may be gone: what is left of it went with its process; the backup's error is what to report
        }
    }

    /**
     * The changed blocks of one disk as this backup copied them: for {@code sync=bitmap}, the clusters QEMU wrote into
     * the copy (its own layer, depth 0: data or zeros), which are the clusters the bitmap marked.
     */
    private final class Tracker implements ChangedBlockTracker {
        private final Disk disk;
        private final DiskImage copy;

        Tracker(Disk disk, DiskImage copy) {
            this.disk = disk;
            this.copy = copy;
        }

        @Override
        public int granularity() {
            return (int) disk.granularity;
        }

        @Override
        public Optional<String> since() {
            return Optional.ofNullable(disk.baseId);
        }

        /** Only a bitmap QEMU copied by: one that was inconsistent, or none, gave a full copy. */
        @Override
        public boolean consistent() {
            return disk.base != null;
        }

        @Override
        public List<ByteRange> changed() throws IOException {
            List<ByteRange> out = new ArrayList<>();
            for (Extent e : copy.map(0, copy.virtualSize())) {
                if (e.depth() != 0) {
                    continue;
                }
                if (!out.isEmpty() && out.getLast().end() == e.offset()) {
                    ByteRange last = out.removeLast();
                    out.add(new ByteRange(last.offset(), last.length() + e.length()));
                } else {
                    out.add(new ByteRange(e.offset(), e.length()));
                }
            }
            return out;
        }

        /** Rotates the disk's bitmap in one transaction: the pending one becomes {@code hyperlab-cbt@backupId}. */
        @Override
        public void restart(String backupId) throws IOException {
            String next = Qcow2BitmapTracker.PREFIX + "@" + backupId;
            List<Object> actions = new ArrayList<>();
            actions.add(Map.of("type", "block-dirty-bitmap-add", "data", Map.of("node", disk.node, "name", next,
                    "persistent", disk.persistent, "granularity", disk.granularity)));
            actions.add(Map.of("type", "block-dirty-bitmap-merge", "data", Map.of("node", disk.node, "target", next,
                    "bitmaps", List.of(PENDING))));
            actions.add(Map.of("type", "block-dirty-bitmap-remove", "data", Map.of("node", disk.node,
                    "name", PENDING)));
            for (String old : disk.bitmaps) {
                if (!old.equals(PENDING) && !old.equals(next)) {
                    actions.add(Map.of("type", "block-dirty-bitmap-remove", "data", Map.of("node", disk.node,
                            "name", old)));
                }
            }
            try {
                lab.command(vm, "transaction", Map.of("actions", actions));
            } catch (LabException | QmpException e) {
                throw new IOException("QEMU did not rotate the dirty bitmap of VM " + vm + ": " + e.getMessage(), e);
            }
            disk.rotated = true;
        }
    }
}
