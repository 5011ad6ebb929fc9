package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.core.engine.machine.HostDisk;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.PhaseRecord;
import dev.hyperlab.core.calibration.Demands;
import dev.hyperlab.core.calibration.DiskModel;
import dev.hyperlab.core.storage.DiskImage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lab's side of a file backup of files inside a physical host (docs/backup.md, "Files inside a host"): a file
 * agent in the host's OS (as restic or borg run there) reads the files while the host runs, so the backup is
 * crash-consistent, as such a run is: each file as it was when read, the files not all from one instant (no file
 * system snapshot is taken). A host that is not running has no OS to run the agent: refused (its disks can be imaged
 * offline instead). Lab time: the data read at the disk's sequential read bandwidth, or, for many small files, one
 * random read per entry (its inode and directory block) at the disk's random read rate, whichever is longer.
 */
public final class LabHostFiles {
    /** What a backup records of a host's files in its configuration, under {@code kind}. */
    public static final String KIND = "host-files";

    private final LabModel lab;

    LabHostFiles(LabModel lab) {
        this.lab = lab;
    }

    /**
     * A host's disks, open for its file agent.
     *
     * @param host the host
     * @param time lab time the agent starts
     * @param disks its disks by device, boot disk first
     * @param config what the backup records: {@code kind}, the host, its consistency
     */
    public record Point(String host, long time, Map<String, DiskImage> disks, Map<String, Object> config) {}

    /** Starts host {@code name}'s file agent: refused, changing nothing, unless the host runs. */
    public Point begin(String name) {
        HostMachine h = lab.hostMachine(name);
        if (h.state() != HostState.RUNNING) {
            throw LabException.notAllowed("host " + h.name + " is " + h.state().id() + ": a file backup runs in the "
                    + "host's OS, which must be running", "power it on and wait for it, or image its disks offline");
        }
        Map<String, DiskImage> disks = new LinkedHashMap<>();
        for (HostDisk d : h.disks()) {
            disks.put(d.device(), lab.images().hostDisk(h.name, d.device(), d.size()));
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("kind", KIND);
        c.put("host", h.name);
        c.put("consistency", "crash-consistent");
        return new Point(h.name, lab.sim().now(), disks, c);
    }

    /**
     * After the files are in the repository (or, in a dry run, predicted): runs the lab on through the agent's read of
     * {@code bytes} of file data and {@code entries} entries from the host's boot disk, and records it in the host's
     * timeline ({@code file-backup}). The host runs on throughout.
     */
    public Duration end(Point p, long bytes, long entries, ProgressListener progress) {
        HostMachine h = lab.hostMachine(p.host());
        long took = readNanos(h.disks().getFirst(), bytes, entries);
        long end = Math.addExact(p.time(), took);
        lab.runUntil(end, () -> false, true, progress);
        h.timeline.add(new PhaseRecord("file-backup", "file agent reads files, host running", p.time(), end,
                BoundBy.DISK));
        lab.log(h.name, "file-backup", "bytes=" + bytes, "entries=" + entries);
        return Duration.ofNanos(took);
    }

    private static long readNanos(HostDisk d, long bytes, long entries) {
        // calibration: backup.host_files.read_s
        Demand read = Demand.NONE.plusRead(bytes, Math.addExact(Demands.sequentialOps(bytes), entries));
        return Math.round(DiskModel.of(d.kind()).deviceSeconds(read, 1.0, 1.0, 1.0) * 1e9);
    }
}
