package dev.hyperlab.core.engine;

import static dev.hyperlab.core.calibration.Calibration.LINUX_HOST_INITRD_S;
import static dev.hyperlab.core.calibration.Calibration.LINUX_HOST_KERNEL_S;
import static dev.hyperlab.core.calibration.Calibration.LINUX_HOST_USERSPACE_S;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.core.backup.SourceImage;
import dev.hyperlab.core.engine.machine.HostDisk;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.PhaseRecord;
import dev.hyperlab.core.calibration.Demands;
import dev.hyperlab.core.calibration.DiskModel;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.Extent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lab's side of a physical host's disk images (docs/backup.md, "Physical hosts"): offline imaging, and the
 * bare-metal restore that writes an image back onto a host's disks and powers it on. The repository is the caller's, as
 * for {@link LabBackups}.
 *
 * <p>Without a hypervisor underneath, a consistent image costs downtime: the host is shut down and booted into an
 * imaging environment (a live Linux such as Clonezilla's, from USB or PXE), which reads its disks one after another
 * while nothing writes to them. Its timeline shows both phases. The environment's boot is the host's own firmware POST
 * and a Linux server boot (the {@code host.linux.*} figures, calibration row {@code backup.host_image.environment_boot});
 * the read is each disk's data at that disk's sequential read bandwidth. No host OS in the lab has a change tracker
 * (the filter driver imaging products install), so every image reads all data; an in-OS snapshot agent (VSS, LVM) is
 * not modelled either.
 */
public final class LabHostImages {
    /** What a backup records of a host image in its configuration, under {@code kind}. */
    public static final String KIND = "host-image";
    /**
     * The bytes of a host disk a bare-metal restore zeroes first and writes last: the MBR, the GPT header and entries
     * and the 1 MiB gap partitioning tools leave before the first partition, everything a firmware reads to call a
     * disk bootable.
     */
    public static final int BOOT_HEAD_BYTES = 1 << 20;

    private final LabModel lab;

    LabHostImages(LabModel lab) {
        this.lab = lab;
    }

    /**
     * A host's disks, open for an offline image.
     *
     * @param host the host
     * @param wasUp whether it was booting or running (it is powered on again after the imaging)
     * @param time lab time the host went down
     * @param disks its disks, boot disk first, as the imaging environment reads them
     * @param config what the backup records: {@code kind}, the host, its firmware, hypervisor and disks
     */
    public record Point(String host, boolean wasUp, long time, List<SourceImage> disks, Map<String, Object> config) {}

    /**
     * Takes host {@code name} down for an offline image: refused while VMs run on it (they would crash); a booting,
     * running or failed host is powered off. Nothing writes to its disks until {@link #end}.
     */
    public Point begin(String name) {
        HostMachine h = lab.hostMachine(name);
        requireNoRunningVms(h, "offline imaging shuts it down");
        boolean up = h.state() == HostState.RUNNING || h.state() == HostState.BOOTING;
        if (h.state() != HostState.OFF) {
            h.powerOff();
        }
        List<SourceImage> disks = new ArrayList<>();
        List<Object> sizes = new ArrayList<>();
        for (HostDisk d : h.disks()) {
            disks.add(new SourceImage(d.device(), lab.images().hostDisk(h.name, d.device(), d.size())));
            sizes.add(Map.of("device", d.device(), "kind", d.kind().id(), "size", d.size()));
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("kind", KIND);
        c.put("host", h.name);
        c.put("firmware", h.firmware);
        c.put("hypervisor", h.hypervisor() == null ? "" : h.hypervisor().id());
        c.put("hostOs", h.hostOs() == null ? "" : h.hostOs().id());
        c.put("consistency", "offline");
        c.put("disks", sizes);
        return new Point(h.name, up, lab.sim().now(), disks, c);
    }

    /** What an offline image cost the host: the imaging environment's boot, then the read of its disks. */
    public record Downtime(Duration environmentBoot, Duration read) {
        public Duration total() {
            return environmentBoot.plus(read);
        }
    }

    /**
     * After the image's bytes are in the repository (or, in a dry run, predicted): runs the lab on through the
     * imaging environment's boot and the read of {@code bytesRead[i]} of each disk i, records both phases in the host's timeline, and
     * powers the host on again if it was up.
     */
    public Downtime end(Point p, List<Long> bytesRead, ProgressListener progress) {
        HostMachine h = lab.hostMachine(p.host());
        long boot = environmentBootNanos(h);
        long read = 0;
        for (int i = 0; i < p.disks().size(); i++) {
            read = Math.addExact(read, readNanos(h.disks().get(i), bytesRead.get(i)));
        }
        long booted = Math.addExact(p.time(), boot);
        long end = Math.addExact(booted, read);
        lab.runUntil(end, () -> false, true, progress);
        h.timeline.add(new PhaseRecord("imaging-boot", "POST + live Linux", p.time(), booted, BoundBy.CPU));
        h.timeline.add(new PhaseRecord("imaging", "read disks, offline", booted, end, BoundBy.DISK));
        lab.log(h.name, "imaged", "took=" + (end - p.time()));
        if (p.wasUp()) {
            h.powerOn();
        }
        return new Downtime(Duration.ofNanos(boot), Duration.ofNanos(read));
    }

    /** A failed image: the host is powered on again if it was up. */
    public void abort(Point p) {
        HostMachine h = lab.hostMachine(p.host());
        if (p.wasUp() && h.state() == HostState.OFF) {
            h.powerOn();
        }
    }

    /** The data bytes of a disk image: what an imaging tool that skips free space reads of it. */
    public static long dataBytes(DiskImage image) {
        long bytes = 0;
        try {
            for (Extent e : image.map(0, image.virtualSize())) {
                bytes += e.data() ? e.length() : 0;
            }
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot map " + image.path() + ": " + e.getMessage(),
                    "check the lab directory", e);
        }
        return bytes;
    }

    private static long environmentBootNanos(HostMachine h) {
        // calibration: backup.host_image.environment_boot
        Demand linux = Demands.referenceCpu(LINUX_HOST_KERNEL_S + LINUX_HOST_INITRD_S + LINUX_HOST_USERSPACE_S);
        List<Demand> steps = new ArrayList<>(h.postDemands());
        steps.add(linux);
        return h.aloneNanos(steps);
    }

    private static long readNanos(HostDisk d, long bytes) {
        // calibration: backup.host_image.read_s
        return Math.round(DiskModel.of(d.kind()).deviceSeconds(
                Demand.NONE.plusRead(bytes, Demands.sequentialOps(bytes)), 1.0, 1.0, 1.0) * 1e9);
    }

    private static long writeNanos(HostDisk d, long bytes) {
        // calibration: backup.host_image.restore_write_s
        return Math.round(DiskModel.of(d.kind()).deviceSeconds(
                Demand.NONE.plusWrite(bytes, Demands.sequentialOps(bytes)), 1.0, 1.0, 1.0) * 1e9);
    }

    private void requireNoRunningVms(HostMachine h, String why) {
        List<String> running = new ArrayList<>();
        for (String vm : h.vms) {
            VmState s = lab.vmMachine(vm).state();
            if (s == VmState.RUNNING || s == VmState.STARTING || s == VmState.PAUSED) {
                running.add(vm);
            }
        }
        if (!running.isEmpty()) {
            throw LabException.notAllowed("VM" + (running.size() == 1 ? " " : "s ") + String.join(", ", running)
                    + (running.size() == 1 ? " runs" : " run") + " on host " + h.name + ", and " + why,
                    running.size() == 1
                            ? "shut it down first: vm shutdown " + running.getFirst() + ", and let it finish"
                            : "shut them down first: vm shutdown NAME for each, and let them finish");
        }
    }

    // ---- bare-metal restore -----------------------------------------------------------------------------------------

    /**
     * The disks of host {@code name} for a bare-metal restore of an image of {@code devices} with {@code sizes} (bytes,
     * in order), taken of a host with {@code firmware}: refused, changing nothing, when the host has fewer disks or a
     * smaller one (naming both sizes), when its firmware boots from another layout than the image's (a UEFI image on a
     * BIOS host would be written and then not boot), or when VMs run on it. Otherwise the host is powered off and its
     * disks, in order, are returned for the restore to write.
     */
    public List<DiskImage> restoreTargets(String name, String image, List<String> devices, List<Long> sizes,
            String firmware) {
        HostMachine h = lab.hostMachine(name);
        if (sizes.size() > h.disks().size()) {
            throw LabException.insufficient("host " + h.name + " has " + LabModel.count(h.disks().size(), "disk")
                    + ", the image " + sizes.size(), "restore it onto a host with as many disks");
        }
        for (int i = 0; i < sizes.size(); i++) {
            HostDisk d = h.disks().get(i);
            if (d.size() < sizes.get(i)) {
                throw LabException.insufficient("host " + h.name + " disk " + d.device() + " is " + Sizes.format(d.size())
                        + ", smaller than the image's disk " + devices.get(i) + " (" + Sizes.format(sizes.get(i)) + ")",
                        "restore onto a host whose disks are the same size or larger");
            }
        }
        Extensions ext = lab.extensions();
        if (!firmware.isEmpty() && ext.hasFirmware(firmware) && ext.hasFirmware(h.firmware)
                && !ext.layoutName(firmware).equals(ext.layoutName(h.firmware))) {
            throw LabException.notAllowed("backup " + image + " is an image of a host with " + firmware
                    + " firmware, and host " + h.name + " has " + h.firmware + " firmware: the image's boot disk would"
                    + " not boot there",
                    "restore it onto a host with " + firmware + " firmware ({HostSpec.firmware} " + firmware + ")");
        }
        requireNoRunningVms(h, "a bare-metal restore replaces its disks");
        if (h.state() != HostState.OFF) {
            h.powerOff();
        }
        List<DiskImage> out = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            HostDisk d = h.disks().get(i);
            out.add(lab.images().hostDisk(h.name, d.device(), d.size()));
        }
        return out;
    }

    /**
     * The image's bytes are on host {@code name}'s disks ({@code bytes[i]} written to disk i): records the
     * {@code restore} phase (each disk's bytes at its sequential write bandwidth, one disk after another) while the lab
     * runs on, sets the hypervisor the image holds ({@code config} as {@link #begin} recorded it), then powers the host
     * on and, when {@code boot}, runs until it runs or fails: POST, boot-device search, the boot loader and OS read
     * from the restored disk. Returns the restore's and the boot's lab time, and the host's state at the end.
     */
    public Recovery recover(String name, Map<String, Object> config, List<Long> bytes, boolean boot,
            Duration timeout, ProgressListener progress) {
        HostMachine h = lab.hostMachine(name);
        long start = lab.sim().now();
        long took = 0;
        for (int i = 0; i < bytes.size(); i++) {
            took = Math.addExact(took, writeNanos(h.disks().get(i), bytes.get(i)));
        }
        PhaseRecord restore = h.beginPhase("restore", "write disks");
        lab.log(name, "restore", "bytes=" + bytes.stream().mapToLong(Long::longValue).sum());
        lab.runUntil(Math.addExact(start, took), () -> false, true, progress);
        h.endPhase(restore, BoundBy.DISK);
        String hv = config.get("hypervisor") instanceof String s ? s : "";
        String os = config.get("hostOs") instanceof String s ? s : "";
        h.restoredWith(hv.isEmpty() ? null : HypervisorType.of(hv), os.isEmpty() ? null : HostOs.of(os));
        h.powerOn();
        if (!boot) {
            return new Recovery(Duration.ofNanos(restore.end() - start), Duration.ZERO, h.state(), "");
        }
        long deadline = Math.addExact(lab.sim().now(), timeout.toNanos());
        lab.runUntil(deadline, () -> h.state() != HostState.BOOTING, false, progress);
        return new Recovery(Duration.ofNanos(restore.end() - start), Duration.ofNanos(lab.sim().now() - restore.end()),
                h.state(), h.reason());
    }

    /**
     * What a bare-metal restore's recovery took.
     *
     * @param restore the restore phase
     * @param boot power-on to running (or to the failure)
     * @param state the host's state at the end
     * @param reason why it failed to boot, or empty
     */
    public record Recovery(Duration restore, Duration boot, HostState state, String reason) {}
}
