package dev.hyperlab.core.engine.machine;

import java.util.Map;
import java.io.IOException;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.calibration.Calibration;
import dev.hyperlab.core.calibration.Demands;
import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.calibration.OsProfiles;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.core.sim.SharedResource;
import java.util.ArrayList;
import java.util.List;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.engine.lifecycle.Lifecycle;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.persist.SavedDoc;
import dev.hyperlab.core.engine.snapshot.SnapshotJob;
import dev.hyperlab.core.engine.snapshot.SnapshotRecord;
import dev.hyperlab.core.engine.snapshot.SnapshotTree;

/**
 * A virtual machine. Its CPU work runs on its host's cores and its I/O on the host's datastore disk, shared with
 * everything else there. Lifecycle transitions are documented on {@link dev.hyperlab.api.lab.Vm}.
 */
public final class VmMachine extends Machine {
    public final String host;
    /** Its vCPUs: the configured count, raised only by {@link #hotAdd} while it runs (and kept for its next boot). */
    public int vcpus;
    /** Its memory: the configured size, raised only by {@link #hotAdd} while it runs (and kept for its next boot). */
    public long memory;
    /** The most vCPUs it may have while running ({@code --max-vcpus}); 0 for no room beyond {@link #vcpus}. */
    private int maxVcpus;
    /** The most memory it may have while running ({@code --max-memory}); 0 for no room beyond {@link #memory}. */
    private long maxMemory;
    public final String firmware;
    public final String os;
    public final List<String> drivers;
    public final int bootPriority;
    public final List<VmDisk> disks;
    /** Its lifecycle state; every change goes through {@link #transition}. */
    public final Lifecycle<VmState, VmLifecycle.Action> lifecycle;
    /** Why it crashed or was refused, or empty. */
    private String reason = "";
    /** Starts when its host's hypervisor is up ({@code vm set --autostart}); not part of the machine it boots. */
    private boolean autostart;
    /** Its NIC's MAC address, given when it was cloned ({@code 52:54:00:xx:xx:xx}); empty when none was assigned. */
    private String mac = "";
    /** Its machine id (32 hex digits), given when it was cloned; empty when none was assigned. */
    private String machineId = "";
    /** The disks (lab paths) its disks are overlays of, when it is a linked clone; else empty. */
    private List<String> linkedDisks = List.of();
    /** Its resource controls ({@code vm set --cpu-shares ...}); {@link VmResources#DEFAULT} when none are set. */
    private dev.hyperlab.api.lab.VmResources resources = dev.hyperlab.api.lab.VmResources.DEFAULT;
    /** Whether a linked clone was ever made of it: only then are its clones looked for (start, delete, revert). */
    private boolean linkedBase;
    /** The state to return to when a queued start is refused. */
    VmState stateBeforeStart = VmState.DEFINED;
    /** Order of the last start request (the start queue's tie-break). */
    long startRequest;
    /** Host memory this VM holds while it runs (guest memory plus VMM overhead); 0 when it holds none. */
    private long held;
    /** Whether the host's start scheduler counts this VM as booting. */
    boolean counted;

    /** Its memory as the host's MemoryManager accounts it while the VM holds memory; only that changes it. */
    public final MemoryAccount account = new MemoryAccount();

    /** The work a pause took off the host (a snapshot saving, a revert loading), put back when it ends; or null. */
    Execution frozen;
    /** This VM's snapshots: their metadata and tree (the images hold their data). */
    private SnapshotTree snapshots = new SnapshotTree();
    /** A snapshot operation that was under way at the last save; finished or undone when the lab is loaded. */
    private SnapshotJob snapshotJob;
    /** Its workload's id ({@code vm set --workload}), or empty for its OS profile's default; taken in any state. */
    private String workload = "";
    /** Its workload on the host while it runs, and the totals since its last start ({@code vm stat}). */
    public final WorkloadRun work = new WorkloadRun(this);

    public VmMachine(MachineEnv env, String name, String host, int vcpus, long memory, String firmware, String os,
            List<String> drivers, int bootPriority, List<VmDisk> disks) {
        super(name, env);
        this.lifecycle = VmLifecycle.of(name, VmState.DEFINED);
        this.host = host;
        this.vcpus = vcpus;
        this.memory = memory;
        this.firmware = firmware;
        this.os = os;
        this.drivers = List.copyOf(drivers);
        this.bootPriority = bootPriority;
        this.disks = List.copyOf(disks);
    }

    public boolean autostart() {
        return autostart;
    }

    /** The most vCPUs it can have while it runs: its hot-add room, or its vCPUs when it has none. */
    public int vcpusCeiling() {
        return Math.max(vcpus, maxVcpus);
    }

    /** The most memory it can have while it runs: its hot-add room, or its memory when it has none. */
    public long memoryCeiling() {
        return Math.max(memory, maxMemory);
    }

    /** Gives a VM being defined room to hot-add vCPUs and memory up to these (checked by the caller; 0 for none). */
    public void setHotPlugRoom(int maxVcpus, long maxMemory) {
        this.maxVcpus = maxVcpus > vcpus ? maxVcpus : 0;
        this.maxMemory = maxMemory > memory ? maxMemory : 0;
    }

    /**
     * Hot-adds vCPUs and memory to the running guest (checked by the caller: more than it has, within its room, an OS
     * that takes them): the host commits the added memory at once, the guest onlines the new memory and CPUs (its
     * balloon target and size rise with it), and its workload goes on at its new width. Kept for its next boot, as
     * {@code virsh setvcpus --live --config} keeps it.
     */
    public void hotAdd(int newVcpus, long newMemory) {
        long added = newMemory - memory;
        String what = (newVcpus != vcpus ? (newVcpus - vcpus) + " vCPU" + (newVcpus - vcpus == 1 ? "" : "s") : "")
                + (newVcpus != vcpus && added > 0 ? " and " : "")
                + (added > 0 ? dev.hyperlab.api.lab.Sizes.format(added) : "");
        vcpus = newVcpus;
        memory = newMemory;
        if (added > 0 && held > 0) {
            HostMachine h = hostMachine();
            held += added;
            h.commit(added);
            h.memory.hotAdded(this, added);
        }
        if (work.running()) {
            work.stop();
            syncWorkload(); // its CPU demand follows its vCPUs
        }
        env.log(name, "hot-added", what, "now " + vcpus + " vCPUs " + dev.hyperlab.api.lab.Sizes.format(memory));
    }

    /** Marks the VM to start with its host, or not: the one change it takes in any state. */
    public void setAutostart(boolean on) {
        autostart = on;
        env.log(name, "autostart " + (on ? "on" : "off"));
    }

    /** The workload it runs once booted: its own, or its OS profile's default. */
    public dev.hyperlab.core.calibration.Workload workload() {
        return workload.isEmpty() ? dev.hyperlab.core.calibration.Workloads.defaultFor(profileOrDefault())
                : env.workload(workload);
    }

    /**
     * Gives the VM workload {@code id} (checked by the caller), in any state: a running guest switches at once, its
     * totals so far kept.
     */
    public void setWorkload(String id) {
        if (id.equals(workload().id()) && !workload.isEmpty()) {
            return;
        }
        work.stop();
        workload = id;
        env.log(name, "workload", id);
        syncWorkload();
    }

    /** Runs the workload while the guest runs with nothing else under way, and only then. */
    void syncWorkload() {
        boolean runs = state() == VmState.RUNNING && planKind() == null && frozen == null;
        if (runs && !work.running()) {
            dev.hyperlab.core.calibration.Workload w = workload();
            work.start(w);
            if (w.demands()) {
                hostMachine().memory.changed(); // its page cache may grow from now: keep the memory cycle going
            }
            if (work.charged()) {
                hostMachine().stats.workloadStarted(this);
            }
        } else if (!runs && work.running()) {
            work.stop();
        }
    }

    /** A saved workload activity of this VM, made again for the codec to put back on {@code resource}. */
    public dev.hyperlab.core.sim.Activity restoreWorkloadActivity(SharedResource resource, int tag, double remaining,
            double cap, double weight, double floor) {
        dev.hyperlab.core.sim.Activity a = new dev.hyperlab.core.sim.Activity(resource, work, tag, 1.0, cap, weight,
                floor).asSteady();
        a.restoreRemaining(remaining);
        work.restored(a);
        return a;
    }

    /** Its host's hypervisor came up and could not start it: the reason stays until it starts. */
    void autostartRefused(String why) {
        reason = "autostart refused: " + why;
        env.log(name, "autostart refused");
    }

    public String mac() {
        return mac;
    }

    public String machineId() {
        return machineId;
    }

    /** The lab paths of the disks its disks read through, when it is a linked clone; else empty. */
    public List<String> linkedDisks() {
        return linkedDisks;
    }

    /** Gives the VM its identity as a clone: a MAC address and a machine id of its own ({@code vm clone}). */
    public void assignIdentity(String mac, String machineId, List<String> linkedDisks) {
        this.mac = mac;
        this.machineId = machineId;
        this.linkedDisks = List.copyOf(linkedDisks);
    }

    public dev.hyperlab.api.lab.VmResources resources() {
        return resources;
    }

    /** Sets its resource controls (checked by the caller); the CPU ones apply from its next step, as a reshare does. */
    public void setResources(dev.hyperlab.api.lab.VmResources r) {
        resources = r;
    }

    /** The CPU rate its reservation guarantees, in gigacycles per second (MHz / 1000), 0 for none. */
    public double cpuReservationGhz() {
        return resources.cpuReservationMhz() / 1000.0;
    }

    /** Marks it as the base of a linked clone: from now on its linked clones are looked for before it changes. */
    public void markLinkedBase() {
        linkedBase = true;
    }

    /**
     * Refuses, changing nothing, when linked clones read through this VM's disks: their data is its disks' as they
     * are, so {@code what} (a start, a revert, a delete) would change or take it under them.
     */
    public void requireNoLinkedClones(String what) {
        if (!linkedBase) {
            return;
        }
        List<String> clones = env.linkedClonesOf(this);
        if (!clones.isEmpty()) {
            throw LabException.notAllowed("VM " + name + " is the base of linked clone" + (clones.size() > 1 ? "s " : " ")
                    + String.join(", ", clones) + ": " + what + " would change the disks "
                    + (clones.size() > 1 ? "they read" : "it reads") + " through", (clones.size() > 1
                    ? "delete those clones first" : "vm delete " + clones.get(0) + " first") + ", or clone " + name
                    + " in full (vm clone without {linkedCloneAs.name})");
        }
    }

    /** The snapshot operation under way at the last save, or null. */
    public SnapshotJob snapshotJob() {
        return snapshotJob;
    }

    public VmState state() {
        return lifecycle.state();
    }

    /** This VM's snapshots: their metadata and tree (the images hold their data). */
    public SnapshotTree snapshots() {
        return snapshots;
    }

    /** Why it crashed or its start was refused, or empty. */
    public String reason() {
        return reason;
    }

    /** Whether it holds memory on its host (it runs, or its boot got past the start queue). */
    public boolean holdsMemory() {
        return held > 0;
    }

    /** Changes the state as the lifecycle table says {@code action} does (a request it does not allow is refused). */
    void transition(VmLifecycle.Action action) {
        lifecycle.transition(action);
    }

    /** The host, looked up once: a VM never moves (a VM's host is part of its definition). */
    private HostMachine hostRef;

    public HostMachine hostMachine() {
        if (hostRef == null) {
            hostRef = env.hostMachine(host);
        }
        return hostRef;
    }

    @Override
    SharedResource cpuResource() {
        return hostMachine().cpu;
    }

    @Override
    SharedResource diskResource() {
        return hostMachine().diskResource();
    }

    @Override
    double cpuWork(PlannedStep step) {
        return step.demand().cpuGigacycles() * (1 + hostMachine().cpuTax());
    }

    @Override
    double diskWork(PlannedStep step) {
        HostMachine h = hostMachine();
        double path = step.ioEfficiency() * h.hypervisorDiskFactor();
        double readShare = step.baseReads() && h.warmCache.contains(step.cacheKey())
                ? 1 - Calibration.BASE_CACHE_HIT_RATIO
                : 1.0;
        return h.datastoreModel().deviceSeconds(step.demand(), Calibration.VIRTIO_BLK_READ_FACTOR * path,
                Calibration.VIRTIO_BLK_WRITE_FACTOR * path, readShare);
    }

    @Override
    double cpuCap(PlannedStep step) {
        HostMachine h = hostMachine();
        double cap = Math.min(Math.min(step.demand().threads(), vcpus), h.cores) * h.ghz;
        // calibration: vm.resources.cpu_limit (vSphere's limit, cgroup v2's cpu.max: never more, even on idle cores)
        return resources.cpuLimitMhz() > 0 ? Math.min(cap, resources.cpuLimitMhz() / 1000.0) : cap;
    }

    /** Its CPU shares as a weight: vSphere's normal of 1,000 shares per vCPU is {@link #cpuWeight}'s 1 per vCPU. */
    @Override
    double cpuShareWeight() {
        // calibration: vm.resources.cpu_shares
        return resources.cpuShares() > 0 ? resources.cpuShares() / (double) SHARES_PER_VCPU : cpuWeight();
    }

    /**
     * Its disk shares as a weight on its datastore, on the CPU shares' scale: 1,000 shares weigh as one vCPU's default
     * (calibration: vm.resources.disk_shares); unset, the weight it always had (its vCPUs).
     */
    @Override
    double diskShareWeight() {
        return resources.diskShares() > 0 ? resources.diskShares() / (double) SHARES_PER_VCPU : cpuWeight();
    }

    /**
     * Its IOPS limit as a device-time cap (calibration: vm.resources.disk_iops_limit, libvirt's total_iops_sec): I/O of
     * {@code ops} operations taking {@code deviceSeconds} runs no faster than the limit's operations a second.
     */
    @Override
    double diskCap(double cap, double deviceSeconds, double ops) {
        long limit = resources.diskIopsLimit();
        return limit > 0 && ops > 0 && deviceSeconds > 0 ? Math.min(cap, limit * deviceSeconds / ops) : cap;
    }

    /** Its IOPS reservation as a device-time floor (calibration: vm.resources.disk_iops_reservation, mClock's). */
    @Override
    double diskFloor(double cap, double deviceSeconds, double ops) {
        long reserved = resources.diskIopsReservation();
        return reserved > 0 && ops > 0 && deviceSeconds > 0 ? Math.min(cap, reserved * deviceSeconds / ops) : 0;
    }

    /** vSphere's "normal" CPU shares per vCPU (calibration: vm.resources.cpu_shares). */
    public static final int SHARES_PER_VCPU = 1000;

    @Override
    double cpuFloor() {
        // calibration: vm.resources.cpu_reservation (a guaranteed rate whenever the VM has work for it)
        return cpuReservationGhz();
    }

    /** Shares follow vCPUs, as hypervisors' default CPU shares do (e.g. VMware's 1000 shares per vCPU). */
    @Override
    double cpuWeight() {
        return vcpus;
    }

    /** A step finished (before the next starts): its base reads warm the host's cache; plugins hear of it. */
    void stepFinished(StepRun run) {
        if (run.step.baseReads() && run.step.demand().readBytes() > 0) {
            hostMachine().warmCache.add(run.step.cacheKey());
        }
        env.guestStepDone(this, run.step);
    }

    /** Host memory this VM is promised when it runs: its configured memory and the VMM's overhead. */
    public long memoryNeed() {
        return memory + overhead();
    }

    /** Host memory the VMM takes beyond the guest's. */
    long overhead() {
        return profileOrDefault().vmmOverheadBytes();
    }

    /**
     * Disk throughput its guest gets through its block device relative to virtio-blk, as its boot plan counts it: its
     * block driver's factor (a plugin's vhost-blk, say), else its OS's emulated controller's
     * (docs/calibration.md drv.emulated_disk.vs_virtio_factor). A running workload pays it on every request, not only
     * the boot.
     */
    double blockEfficiency() {
        dev.hyperlab.api.spi.GuestDriver d = driverFor(dev.hyperlab.api.spi.DeviceClass.BLOCK);
        if (d != null) {
            return d.effect().ioThroughputFactor();
        }
        dev.hyperlab.core.calibration.DriverFallback fallback = profileOrDefault()
                .fallback(dev.hyperlab.api.spi.DeviceClass.BLOCK);
        return fallback.fails() ? 1.0 : fallback.efficiency(); // a guest that stops without one never runs a workload
    }

    /**
     * The guest's driver for {@code device}, or null when it runs on the OS's emulated hardware (IDE, an e1000): the
     * first such driver present whose plugin is loaded and not faulty.
     */
    private dev.hyperlab.api.spi.GuestDriver driverFor(dev.hyperlab.api.spi.DeviceClass device) {
        Extensions ext = env.extensions();
        List<String> present = driversPresent(); // a List.copyOf: walked by index, no iterator per call
        for (int i = 0; i < present.size(); i++) {
            String id = present.get(i);
            if (!ext.hasDriver(id)) {
                continue; // a plugin's driver whose plugin is gone: it did not load
            }
            try {
                dev.hyperlab.api.spi.GuestDriver d = ext.driver(id);
                if (d.deviceClass() == device) {
                    return d;
                }
            } catch (dev.hyperlab.core.guard.ExtensionFault fault) {
                // a faulty plugin's driver did not load either; the fault is on record for plugin list
            }
        }
        return null;
    }

    /**
     * Bytes a second the guest's NIC carries: no limit through a network driver (virtio-net's stream is one core's
     * work, charged as CPU), and the emulated NIC's share of virtio-net's measured stream without one
     * (docs/calibration.md drv.emulated_net.vs_virtio_factor, drv.virtio_net.stream_gbit_s).
     */
    double netCapBytesPerSecond() {
        if (driverFor(dev.hyperlab.api.spi.DeviceClass.NET) != null) {
            return Double.POSITIVE_INFINITY;
        }
        dev.hyperlab.core.calibration.DriverFallback fallback = profileOrDefault()
                .fallback(dev.hyperlab.api.spi.DeviceClass.NET);
        return fallback.fails() ? 0 : dev.hyperlab.core.calibration.Calibration.NET_VIRTIO_STREAM_BYTES_S
                * fallback.efficiency();
    }

    /**
     * Host gigacycles one byte through the guest's NIC costs: virtio-net's (drv.virtio_net.core_s_per_byte on the
     * reference core) times the driver's CPU per I/O factor, or divided by the emulated NIC's throughput factor (its
     * data path is as CPU-bound as virtio-net's, at a twentieth of the rate).
     */
    double netGigacyclesPerByte() {
        double virtio = dev.hyperlab.core.calibration.Calibration.NET_VIRTIO_CORE_S_PER_BYTE
                * dev.hyperlab.core.calibration.Calibration.REFERENCE_CORE_GHZ;
        dev.hyperlab.api.spi.GuestDriver d = driverFor(dev.hyperlab.api.spi.DeviceClass.NET);
        if (d != null) {
            return virtio * d.effect().cpuPerIoFactor();
        }
        dev.hyperlab.core.calibration.DriverFallback fallback = profileOrDefault()
                .fallback(dev.hyperlab.api.spi.DeviceClass.NET);
        return fallback.fails() || fallback.efficiency() <= 0 ? virtio : virtio / fallback.efficiency();
    }

    /** Whether the guest has a driver that can run a balloon. */
    boolean balloonCapable() {
        List<String> present = driversPresent(); // a List.copyOf: walked by index, no iterator per call
        for (int i = 0; i < present.size(); i++) {
            String id = present.get(i);
            Extensions ext = env.extensions();
            if (!ext.hasDriver(id)) {
                continue; // a plugin's driver whose plugin is gone: its capabilities are unknown, so none are assumed
            }
            try {
                if (ext.driver(id).effect().capabilities()
                        .contains(dev.hyperlab.api.spi.DriverEffect.Capability.BALLOON)) {
                    return true;
                }
            } catch (dev.hyperlab.core.guard.ExtensionFault fault) {
                // a faulty plugin's driver is not trusted to run a balloon; the fault is on record for plugin list
            }
        }
        return false;
    }

    public dev.hyperlab.api.lab.VmMemory memoryInfo() {
        MemoryManager mm = hostMachine().memory;
        if (held == 0) {
            return new dev.hyperlab.api.lab.VmMemory(memory, memory, memory, 0, memory, 0, 0, 0, account.majorFaults);
        }
        mm.update();
        MemoryAccount a = account;
        return new dev.hyperlab.api.lab.VmMemory(memory, a.target, a.actual, memory - a.actual,
                Math.max(0, a.actual - a.guestUsed), a.resident, a.swapped, a.shared, a.majorFaults);
    }

    public void setBalloonTarget(long bytes) {
        VmMemoryRule.requireBalloonTarget(name, bytes, memory);
        if (!balloonCapable()) {
            throw LabException.notAllowed("VM " + name + " has no balloon driver",
                    "a guest without one cannot be ballooned: create the VM with the virtio-balloon {drivers}");
        }
        if (held == 0) {
            throw LabException.notAllowed("VM " + name + " is " + state().id(), "a balloon target applies to a running VM");
        }
        env.log(name, "balloon target", Long.toString(bytes));
        hostMachine().memory.setTarget(this, bytes);
    }

    /** How much of its memory the guest touches by the end of its boot: all of it for a guest that zeroes it. */
    long touchTarget() {
        OsProfile p = profileOrDefault();
        return p.zeroesMemoryAtBoot() ? account.actual : Math.min(account.actual, p.bootFootprintBytes());
    }

    /** What a memory-touching step adds to the guest's backed memory (a resume brings all of it back). */
    long touchBytes(PlannedStep step) {
        long touch = step.phase().equals("resume") ? account.actual : touchTarget();
        return Math.max(0, touch - account.backed());
    }

    @Override
    MemoryManager.Grant memoryFor(PlannedStep step) {
        MemoryManager mm = hostMachine().memory;
        if (planKind() == PlanKind.REVERT) {
            // loading a snapshot backs exactly the pages it saved (zero pages stay unbacked, as QEMU loads them);
            // the balloon and the guest's use are the snapshot's, restored with it
            return mm.touch(this, Math.max(0, step.demand().readBytes() - account.backed()));
        }
        MemoryManager.Grant faults = MemoryManager.Grant.NONE;
        if (account.swapped > 0 && step.demand().cpuGigacycles() > 0) {
            faults = mm.faultIn(this);
            if (faults.failed()) {
                return faults;
            }
        }
        if (!step.touchesMemory()) {
            return faults;
        }
        mm.driversLoaded(this); // drivers are loaded by the time the guest touches its memory
        if (!step.phase().equals("resume")) {
            mm.fit(this, touchTarget());
        }
        MemoryManager.Grant touch = mm.touch(this, touchBytes(step));
        if (touch.failed()) {
            return touch;
        }
        mm.guestUses(this, profileOrDefault().workingSetBytes());
        return MemoryManager.Grant.of(Math.max(faults.balloonNanos(), touch.balloonNanos()),
                faults.swapOutBytes() + touch.swapOutBytes(), faults.swapInBytes());
    }

    @Override
    double swapWork(MemoryManager.Grant g) {
        if (g.swapInBytes() == 0 && g.swapOutBytes() == 0) {
            return 0;
        }
        // swap-ins are random reads of a page cluster; swap-outs are written in readahead-sized runs
        dev.hyperlab.api.spi.Demand io = dev.hyperlab.api.spi.Demand.NONE
                .plusRead(g.swapInBytes(), (g.swapInBytes() + Calibration.SWAP_CLUSTER_BYTES - 1)
                        / Calibration.SWAP_CLUSTER_BYTES)
                .plusWrite(g.swapOutBytes(), Demands.sequentialOps(g.swapOutBytes()));
        return hostMachine().datastoreModel().deviceSeconds(io, 1.0, 1.0, 1.0);
    }

    @Override
    void outOfMemory(StepRun run, String reason) {
        failCurrent(reason, dev.hyperlab.api.lab.BoundBy.MEMORY);
    }

    // configuration-derived values, resolved once (a VM's configuration never changes)
    private OsProfile profile;
    private List<String> driversPresent;

    /** The VM's own profile, or linux-server's VMM figures for a VM without one (a QEMU VM all the same). */
    public OsProfile profileOrDefault() {
        if (profile == null) {
            profile = OsProfiles.get(os.isEmpty() ? "linux-server" : os);
        }
        return profile;
    }

    /** Drivers present in the guest: the OS's inbox drivers and those installed, sorted. */
    public List<String> driversPresent() {
        if (driversPresent == null) {
            // a VM with no drivers of its own has its profile's: one shared list for a storm of such VMs
            driversPresent = drivers.isEmpty() ? INBOX_DRIVERS.computeIfAbsent(os, o -> present(List.of(), o))
                    : present(drivers, os);
        }
        return driversPresent;
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, List<String>> INBOX_DRIVERS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code drivers} and the inbox drivers of profile {@code os} (none when empty), sorted, each once. */
    private static List<String> present(List<String> drivers, String os) {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(drivers);
        if (!os.isEmpty()) {
            all.addAll(OsProfiles.get(os).inboxDrivers());
        }
        return List.copyOf(all);
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------------

    public void start() {
        checkStartable();
        request();
        HostMachine h = hostMachine();
        h.starts.admit();
        if (state() != VmState.STARTING) {
            throw LabException.insufficient("VM " + name + " was not started: " + reason,
                    "free memory on " + h.name + " or start it on another host");
        }
    }

    /** Refuses a start this VM's state or host does not allow; changes nothing. */
    public void checkStartable() {
        lifecycle.check(VmLifecycle.Action.START);
        requireNoLinkedClones("starting it");
        HostMachine h = hostMachine(); // one look-up by name: a storm starts 100,000 VMs
        String cpu = h.cpuReservationRefusal(this);
        if (!cpu.isEmpty()) {
            throw LabException.insufficient("VM " + name + " cannot start: " + cpu, "lower its {VmResources.cpuReservationMhz} or "
                    + "stop a VM with one on " + h.name);
        }
        if (h.state() != dev.hyperlab.api.lab.HostState.RUNNING) {
            throw LabException.notAllowed("host " + h.name + " is " + h.state().id(), h.untilRunning());
        }
        if (!h.hasHypervisor()) {
            throw LabException.notAllowed("host " + h.name + " has no hypervisor",
                    "install one first: host install " + h.name);
        }
        if (h.inMaintenance()) {
            throw LabException.notAllowed("host " + h.name + " is in maintenance", "start VM " + name + " on another "
                    + "host (vm migrate " + name + " {migrate.host}), or host maintenance " + h.name + " off first");
        }
        env.requireExtensions(firmware, driversPresent());
        if (memoryNeed() > h.usableMemory()) {
            throw LabException.insufficient("VM " + name + " needs " + dev.hyperlab.api.lab.Sizes.format(memoryNeed())
                    + " but host " + h.name + " has only " + dev.hyperlab.api.lab.Sizes.format(h.usableMemory())
                    + " for VMs", "give it less memory or move it to a larger host");
        }
    }

    /** Puts a checked start request in the host's start queue (admission is the caller's next step). */
    public void request() {
        stateBeforeStart = state();
        transition(VmLifecycle.Action.START);
        reason = "";
        startRequest = env.nextRequest();
        env.log(name, "start requested");
        hostMachine().starts.enqueue(this);
    }

    /** The start policy lets this VM boot now; false if the host refuses it (not enough memory). */
    boolean admitted() {
        HostMachine h = hostMachine();
        String refusal = h.memory.refusal(this);
        if (refusal.isEmpty()) {
            refusal = h.cpuReservationRefusal(this); // others admitted since its request may have reserved the rest
        }
        if (!refusal.isEmpty()) {
            lifecycle.transition(VmLifecycle.Action.START_REFUSED, stateBeforeStart);
            reason = "start refused: " + refusal;
            env.log(name, "start refused (" + (refusal.contains("CPU") ? "cpu" : "memory") + ")");
            return false;
        }
        List<PlannedStep> boot = VmBootPlans.plan(this, true); // before anything is held: planning calls plugins
        hold();
        counted = true;
        work.reset();
        startPlan(PlanKind.BOOT, boot);
        return true;
    }

    public void shutdown() {
        requireIdle(VmLifecycle.Action.SHUTDOWN);
        env.log(name, "shutdown");
        // the hypervisor presses the guest's ACPI power button and gives it its shutdown timeout to power off; the
        // guest's own shutdown (services stop, file systems sync) is measured wall time on an idle machine
        // calibration: os.linux.shutdown_s
        // calibration: os.windows.shutdown_s
        // calibration: policy.proxmox.shutdown_timeout_s
        java.util.Optional<java.time.Duration> guest = profileOrDefault().shutdown();
        java.time.Duration timeout = Demands.seconds(Calibration.SHUTDOWN_TIMEOUT_S);
        if (guest.isPresent() && guest.get().compareTo(timeout) <= 0) {
            startPlan(PlanKind.SHUTDOWN, List.of(PlannedStep.of("shutdown", "guest", Demand.fixed(guest.get()))));
        } else {
            startPlan(PlanKind.FORCED_SHUTDOWN, List.of(PlannedStep.of("shutdown",
                    guest.isPresent() ? "guest" : "acpi-ignored", Demand.fixed(timeout))));
        }
        syncWorkload();
    }

    public void destroy() {
        lifecycle.check(VmLifecycle.Action.DESTROY);
        env.log(name, "destroy");
        stopAndRelease();
        transition(VmLifecycle.Action.DESTROY);
    }

    public void reboot() {
        requireIdle(VmLifecycle.Action.REBOOT);
        env.requireExtensions(firmware, driversPresent());
        env.log(name, "reboot");
        hostMachine().memory.rewrote(this);
        transition(VmLifecycle.Action.REBOOT);
        startPlan(PlanKind.REBOOT, VmBootPlans.plan(this, false));
        syncWorkload();
    }

    public void suspend() {
        requireIdle(VmLifecycle.Action.SUSPEND);
        env.log(name, "suspend");
        // the VMM writes guest memory to the datastore (QEMU's savevm stream; docs/calibration.md snap.savevm.pause_s)
        startPlan(PlanKind.SUSPEND, List.of(PlannedStep.of("suspend", "save memory",
                Demand.NONE.plusWrite(memory, Demands.sequentialOps(memory)))));
        syncWorkload();
    }

    public void resume() {
        lifecycle.check(VmLifecycle.Action.RESUME);
        HostMachine h = hostMachine();
        if (h.state() != dev.hyperlab.api.lab.HostState.RUNNING) {
            throw LabException.notAllowed("host " + h.name + " is " + h.state().id(), h.untilRunning());
        }
        String refusal = h.memory.refusal(this);
        if (!refusal.isEmpty()) {
            throw LabException.insufficient("VM " + name + " cannot resume: " + refusal, "free memory on " + h.name);
        }
        hold();
        env.log(name, "resume");
        startPlan(PlanKind.RESUME, new java.util.ArrayList<>(List.of(PlannedStep.of("resume", "load memory",
                Demand.NONE.plusRead(memory, Demands.sequentialOps(memory))).touchingMemory())));
    }

    /** The lifecycle allows {@code action}, and nothing is under way that it would cut short (a shutdown). */
    private void requireIdle(VmLifecycle.Action action) {
        lifecycle.check(action);
        if (planKind() == PlanKind.SHUTDOWN || planKind() == PlanKind.FORCED_SHUTDOWN) {
            throw LabException.notAllowed("VM " + name + " is shutting down",
                    "wait until it is shut off, or destroy it");
        }
    }

    /** The lasting work under way, as {@link VmInfo#operation()} names it, or empty. */
    String operation() {
        if (planKind() != null) {
            return planKind().id();
        }
        return state() == VmState.STARTING && held == 0 ? "queued" : "";
    }

    @Override
    void planDone(PlanKind kind) {
        switch (kind) {
            case BOOT, REBOOT, RESUME -> {
                transition(kind == PlanKind.RESUME ? VmLifecycle.Action.RESUMED : VmLifecycle.Action.BOOTED);
                env.log(name, "running");
                endBoot();
            }
            case SHUTDOWN -> {
                release();
                transition(VmLifecycle.Action.SHUT_OFF);
                env.log(name, "shutoff");
            }
            case FORCED_SHUTDOWN -> {
                release();
                transition(VmLifecycle.Action.SHUT_OFF);
                reason = "forced off after " + dev.hyperlab.api.lab.Durations.format(
                        Demands.seconds(Calibration.SHUTDOWN_TIMEOUT_S)) + ", the hypervisor's shutdown timeout: "
                        + (profileOrDefault().shutdown().isPresent() ? "the guest had not shut down"
                                : "the guest does not answer an ACPI shutdown request");
                env.log(name, "shutoff", "forced");
            }
            case SUSPEND -> {
                release();
                transition(VmLifecycle.Action.SUSPENDED_TO_DISK);
                env.log(name, "suspended");
            }
            case SNAPSHOT, REVERT, MIGRATE -> {
                Execution work = frozen;
                frozen = null;
                lifecycle.transition(VmLifecycle.Action.UNPAUSE, work.state());
                env.log(name, state().id());
                Execution.thaw(this, work);
            }
        }
        syncWorkload();
    }

    /**
     * Pauses the VM for a hypervisor job ({@code step} of plan {@code kind}): its work is frozen, it holds its
     * memory, and when the job ends it goes on where it was. A paused guest runs nothing, its balloon included.
     */
    public void pauseFor(PlanKind kind, PlannedStep step) {
        frozen = Execution.freeze(this);
        transition(VmLifecycle.Action.PAUSE);
        env.log(name, "paused", step.phase());
        startPlan(kind, new java.util.ArrayList<>(List.of(step)));
        syncWorkload();
    }

    // ---- snapshot operations ask the VM to change (Snapshots decides when) ----

    /** A snapshot operation begins: the job is saved with the lab, so a killed process finishes or undoes it. */
    public void beginSnapshotJob(SnapshotJob job) {
        snapshotJob = job;
    }

    /** The snapshot operation under way finished, or was undone. */
    public void endSnapshotJob() {
        snapshotJob = null;
    }

    /** A revert stopped part way through its disks: the VM is stopped with {@code why}, the job over. */
    public void revertFailed(String why) {
        transition(VmLifecycle.Action.REVERT_FAILED);
        reason = why;
        snapshotJob = null;
    }

    /**
     * The disks were reverted to a snapshot made outside hyperlab (disks only): the VM keeps its configuration, is
     * off if it was live, and is at no snapshot of its own.
     */
    public void revertedToDisks(boolean wasLive) {
        if (wasLive) {
            transition(VmLifecycle.Action.REVERTED_OFF);
        }
        reason = "";
        snapshots.setCurrent("");
        snapshotJob = null;
    }

    /** Reverted to a disk-only snapshot of a running VM: its disks as a power cut left them, and the VM off. */
    public void revertedOff() {
        held = 0;
        counted = false;
        if (lifecycle.allows(VmLifecycle.Action.REVERTED_OFF)) {
            transition(VmLifecycle.Action.REVERTED_OFF);
            reason = "";
        }
        syncWorkload();
    }

    /**
     * Reverted to a snapshot with memory: the VM holds its memory again with the snapshot's account, pauses while the
     * {@code backed} bytes it saved load, then goes on with {@code work} where it was.
     */
    public void loadState(Execution work, long backed) {
        HostMachine h = hostMachine();
        held = memoryNeed();
        h.commit(held);
        h.memory.restored(this);
        if (counted) {
            h.starts.bootResumed(); // it is back in the middle of its boot
        }
        frozen = work;
        transition(VmLifecycle.Action.PAUSE);
        // loadvm reads back the pages the snapshot saved before the guest runs again
        // calibration: snap.loadvm.load_s
        startPlan(PlanKind.REVERT, new ArrayList<>(List.of(PlannedStep.of("revert", "load state",
                Demand.NONE.plusRead(backed, Demands.sequentialOps(backed))))));
        syncWorkload();
    }

    /**
     * Arrived by live migration (LiveMigration): the VM holds its memory on its new host with the account it had, the
     * {@code backed} pages the pre-copy rounds sent are resident here, and it stays paused for the stop-and-copy
     * ({@code downtime}: the last dirty pages on the link), then goes on with {@code work} where it was on the source.
     */
    public void migratedIn(Execution work, long backed, java.time.Duration downtime, VmMachine old) {
        HostMachine h = hostMachine();
        held = memoryNeed();
        h.commit(held);
        h.memory.restored(this);
        h.memory.arrived(this, backed);
        this.work.continueTotals(old.work);
        frozen = work;
        transition(VmLifecycle.Action.PAUSE);
        // calibration: vm.migrate.live.downtime_s (the remainder at the link's bandwidth)
        startPlan(PlanKind.MIGRATE, new ArrayList<>(List.of(PlannedStep.of("migrate", "stop-and-copy",
                Demand.network(downtime)))));
        syncWorkload();
    }

    /**
     * Runs its workload at {@code share} of its normal pace from now (CPU demand, disk I/O and the bytes it reads and
     * writes), 1 for its normal pace: a live migration's auto-converge throttle or post-copy phase (LiveMigration).
     */
    public void pace(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("a workload pace of " + share);
        }
        if (share == work.paceNow()) {
            return;
        }
        work.stop();
        work.pace(share);
        syncWorkload();
    }

    /** A finished row of its timeline for work the hypervisor did beside the guest (a live migration's rounds). */
    public void recordPhase(String phase, String step, long start, long end, dev.hyperlab.api.lab.BoundBy boundBy) {
        timeline.add(new PhaseRecord(phase, step, start, end, boundBy));
    }

    /** Bytes a second the guest dirties in its memory now: its workload's reads and writes pass through its pages. */
    public double memoryDirtyRate() {
        return work.ioBytesPerSecondNow();
    }

    /** Bytes a second the guest writes to its disks now (what a block migration must copy again). */
    public double diskWriteRate() {
        return work.writeBytesPerSecondNow();
    }

    /**
     * This VM takes the place of {@code old} after a revert: it goes on with {@code old}'s history (timeline, memory
     * samples) and snapshot tree, and with the job under way.
     */
    public void continueFrom(VmMachine old) {
        old.work.stop(); // its demand leaves the host; this VM runs its own from when it runs
        timeline.addAll(old.timeline);
        account.continueSamples(old.account);
        snapshots = old.snapshots;
        snapshotJob = old.snapshotJob;
    }

    /** Whether the guest runs (not paused) so that its page cache can grow. */
    boolean balloonOrCacheCanGrow() {
        return state() == VmState.RUNNING && frozen == null && planKind() == null;
    }

    /** Whether the balloon driver works now: loaded in a guest that runs (a paused guest answers nothing). */
    boolean balloonWorks() {
        return account.balloonLoaded && state() != VmState.PAUSED;
    }

    @Override
    void planFailed(PlanKind kind, PlannedStep failure) {
        frozen = null;
        release();
        transition(VmLifecycle.Action.FAILED);
        reason = failure.failure();
        endBoot();
        syncWorkload();
    }

    /** The host lost power or was reset under this VM. */
    void hostLost(String why) {
        if (lifecycle.allows(VmLifecycle.Action.HOST_LOST)) { // a stopped or suspended VM is unaffected
            stopPlan();
            frozen = null;
            held = 0;
            hostMachine().memory.lost(this);
            counted = false;
            transition(VmLifecycle.Action.HOST_LOST);
            reason = why;
        }
        syncWorkload();
    }

    /** Stops whatever the VM does and gives back what it holds on the host (its state is the caller's to set). */
    public void stopAndRelease() {
        stopPlan();
        frozen = null;
        work.stop();
        HostMachine h = hostMachine();
        if (h.starts.remove(this)) {
            return; // was still queued: held nothing
        }
        release();
        endBoot();
    }

    /** Starts holding host memory (committed now; pages are backed as the guest touches them). */
    private void hold() {
        HostMachine h = hostMachine();
        held = memoryNeed();
        h.commit(held);
        h.memory.started(this);
    }

    private void release() {
        if (held > 0) {
            HostMachine h = hostMachine();
            h.memory.stopped(this);
            h.uncommit(held);
            held = 0;
        }
    }

    private void endBoot() {
        if (counted) {
            counted = false;
            hostMachine().starts.bootEnded();
        }
    }

    public VmInfo info() {
        List<VmInfo.VmDiskInfo> ds = new ArrayList<>();
        for (VmDisk d : disks) {
            ds.add(new VmInfo.VmDiskInfo(env.images().displayPath(d.path()), env.images().format(d.path()),
                    d.virtualSize()));
        }
        return new VmInfo(name, host, state(), vcpus, memory, firmware, os, ds, driversPresent(),
                bootPriority, reason, operation(), autostart, workload().id(),
                new VmInfo.Identity(mac, machineId, linkedTo()), resources, vcpusCeiling(), memoryCeiling());
    }

    /** Memory its guest uses now: 0 when it holds none. */
    long memoryUsedNow() {
        return held > 0 ? account.guestUsed : 0;
    }

    /** What its workload asked and got since it last started ({@code vm stat}). */
    public dev.hyperlab.api.lab.VmStat stat() {
        WorkloadRun.Totals t = work.totals(env.sim().now());
        return new dev.hyperlab.api.lab.VmStat(name, workload().id(), state(), t.cpuReady(), diskLatency(),
                Math.round(t.written()), Math.round(t.read()), memoryUsedNow(),
                t.runningNanos() / 1e9, Math.round(t.netRx()), Math.round(t.netTx()));
    }

    /**
     * Seconds one disk request of its guest takes now: the datastore's latency through the hypervisor's I/O path,
     * stretched by the share of its disk demand the disk does not give it (processor sharing: a request given half the
     * device time takes twice as long). docs/calibration.md work.disk_latency_s
     */
    double diskLatency() {
        if (!work.running()) {
            return 0;
        }
        HostMachine h = hostMachine();
        double base = h.datastoreModel().latencyNanos() / 1e9 / (h.hypervisorDiskFactor() * blockEfficiency());
        double share = work.diskShareNow();
        return base / Math.max(share, 1e-6); // a disk that gives it nothing: a million times its latency, not infinity
    }

    /** Its workload's disk demand now, device-seconds per second (what host stat weighs latencies by). */
    public double diskDemandNow() {
        return work.diskDemandNow();
    }

    /** Its workload's totals since it last started (host stat sums them). */
    public WorkloadRun.Totals totals() {
        return work.totals(env.sim().now());
    }

    /** The VM whose disks this linked clone's disks read through, or empty. */
    private String linkedTo() {
        return linkedDisks.isEmpty() ? "" : env.diskOwner(linkedDisks.get(0));
    }

    // ---- saved with the lab and, less its history, in a snapshot's state (LabCodec, VmStateDoc) ----

    /** Writes this VM as an object: its configuration, state, memory account, snapshots and run. */
    public void save(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("host", host);
        g.writeNumberField("vcpus", vcpus);
        g.writeNumberField("memory", memory);
        g.writeStringField("firmware", firmware);
        g.writeStringField("os", os);
        SavedDoc.writeStrings(g, "drivers", drivers);
        g.writeNumberField("bootPriority", bootPriority);
        if (maxVcpus > 0) { // absent without hot-plug room: a lab saved before hot-plug reads the same
            g.writeNumberField("maxVcpus", maxVcpus);
        }
        if (maxMemory > 0) {
            g.writeNumberField("maxMemory", maxMemory);
        }
        if (autostart) {
            g.writeBooleanField("autostart", true); // absent when off: a lab saved before autostart reads the same
        }
        if (!workload.isEmpty()) {
            g.writeStringField("workload", workload); // absent for the default: a lab saved before reads the same
        }
        if (!mac.isEmpty()) { // absent for a VM never cloned: a lab saved before clones had identities reads the same
            g.writeStringField("mac", mac);
            g.writeStringField("machineId", machineId);
        }
        if (!linkedDisks.isEmpty()) {
            SavedDoc.writeStrings(g, "linkedDisks", linkedDisks);
        }
        if (linkedBase) {
            g.writeBooleanField("linkedBase", true);
        }
        if (!resources.isDefault()) { // absent when none are set: a lab saved before them reads the same
            g.writeObjectFieldStart("resources");
            g.writeNumberField("cpuShares", resources.cpuShares());
            g.writeNumberField("cpuReservationMhz", resources.cpuReservationMhz());
            g.writeNumberField("cpuLimitMhz", resources.cpuLimitMhz());
            g.writeNumberField("memReservation", resources.memReservation());
            g.writeNumberField("memLimit", resources.memLimit());
            if (resources.diskShares() != 0 || resources.diskIopsLimit() != 0 || resources.diskIopsReservation() != 0) {
                // absent when unset: a lab saved before disk controls reads the same, and saves the same
                g.writeNumberField("diskShares", resources.diskShares());
                g.writeNumberField("diskIopsLimit", resources.diskIopsLimit());
                g.writeNumberField("diskIopsReservation", resources.diskIopsReservation());
            }
            g.writeEndObject();
        }
        g.writeArrayFieldStart("disks");
        for (VmDisk d : disks) {
            g.writeStartObject();
            g.writeStringField("device", d.device());
            g.writeStringField("path", d.path());
            g.writeNumberField("virtualSize", d.virtualSize());
            g.writeBooleanField("owned", d.owned());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("state", state().id());
        g.writeStringField("reason", reason);
        g.writeStringField("stateBeforeStart", stateBeforeStart.id());
        g.writeNumberField("startRequest", startRequest);
        g.writeNumberField("held", held);
        g.writeBooleanField("counted", counted);
        account.save(g);
        enrolledKeys.save(g);
        saveSnapshotFields(g);
        if (work.worthSaving()) {
            work.save(g);
        }
        saveRun(g);
        g.writeEndObject();
    }

    /** The snapshot fields: present only when used, so a lab without snapshots saves as it did before them. */
    private void saveSnapshotFields(JsonGenerator g) throws IOException {
        if (frozen != null) {
            g.writeFieldName("frozen");
            frozen.save(g);
        }
        if (!snapshots.isEmpty()) {
            g.writeStringField("currentSnapshot", snapshots.current());
            g.writeArrayFieldStart("snapshots");
            for (SnapshotRecord r : snapshots.all()) {
                r.save(g);
            }
            g.writeEndArray();
        }
        if (snapshotJob != null) {
            g.writeObjectFieldStart("snapshotJob");
            g.writeStringField("op", snapshotJob.op());
            SavedDoc.writeStrings(g, "names", snapshotJob.names());
            g.writeEndObject();
        }
    }

    /** A VM as {@link #save} wrote it, in {@code env} (not yet added to its lab). */
    @SuppressWarnings("unchecked")
    public static VmMachine restore(MachineEnv env, Map<String, Object> v) throws IOException {
        List<VmDisk> disks = new ArrayList<>();
        for (Object o : SavedDoc.list(v, "disks")) {
            Map<String, Object> d = (Map<String, Object>) o;
            disks.add(new VmDisk(SavedDoc.str(d, "device"), SavedDoc.str(d, "path"), SavedDoc.num(d, "virtualSize"),
                    (Boolean) d.get("owned")));
        }
        VmMachine vm = new VmMachine(env, SavedDoc.str(v, "name"), SavedDoc.str(v, "host"),
                (int) SavedDoc.num(v, "vcpus"), SavedDoc.num(v, "memory"), SavedDoc.str(v, "firmware"),
                SavedDoc.str(v, "os"), SavedDoc.strings(v, "drivers"), (int) SavedDoc.num(v, "bootPriority"), disks);
        vm.lifecycle.restore(VmState.of(SavedDoc.str(v, "state")));
        vm.reason = SavedDoc.str(v, "reason");
        vm.setHotPlugRoom(v.get("maxVcpus") instanceof Number n ? n.intValue() : 0,
                v.get("maxMemory") instanceof Number n ? n.longValue() : 0);
        vm.autostart = Boolean.TRUE.equals(v.get("autostart"));
        vm.workload = v.get("workload") instanceof String w ? w : "";
        if (!vm.workload.isEmpty()) {
            try {
                env.workload(vm.workload);
            } catch (dev.hyperlab.api.lab.LabException e) {
                throw new IOException("saved lab: VM " + vm.name + " has unknown workload " + vm.workload, e);
            }
        }
        vm.work.restore(v);
        if (v.get("mac") instanceof String m) {
            vm.mac = m;
            vm.machineId = SavedDoc.str(v, "machineId");
        }
        vm.linkedBase = Boolean.TRUE.equals(v.get("linkedBase"));
        if (v.get("resources") instanceof Map<?, ?> r) {
            Map<String, Object> m = (Map<String, Object>) r;
            vm.resources = new dev.hyperlab.api.lab.VmResources((int) SavedDoc.num(m, "cpuShares"),
                    SavedDoc.num(m, "cpuReservationMhz"), SavedDoc.num(m, "cpuLimitMhz"), SavedDoc.num(m, "memReservation"),
                    SavedDoc.num(m, "memLimit"));
            if (m.containsKey("diskShares")) {
                long shares = SavedDoc.num(m, "diskShares");
                long limit = SavedDoc.num(m, "diskIopsLimit");
                long reserved = SavedDoc.num(m, "diskIopsReservation");
                if (shares < 0 || shares > Integer.MAX_VALUE || limit < 0 || reserved < 0) {
                    throw new IOException("saved lab: VM " + vm.name + "'s disk shares or IOPS are out of range");
                }
                vm.resources = vm.resources.withDiskShares((int) shares).withDiskIopsLimit(limit)
                        .withDiskIopsReservation(reserved);
            }
        }
        if (v.containsKey("linkedDisks")) {
            vm.linkedDisks = SavedDoc.strings(v, "linkedDisks");
        }
        vm.stateBeforeStart = VmState.of(SavedDoc.str(v, "stateBeforeStart"));
        vm.startRequest = SavedDoc.num(v, "startRequest");
        vm.held = SavedDoc.num(v, "held");
        vm.counted = (Boolean) v.get("counted");
        vm.account.restore(v);
        vm.enrolledKeys.restore(v);
        vm.restoreSnapshotFields(v);
        vm.restoreRun(v);
        return vm;
    }

    /** The fields {@link #saveSnapshotFields} writes; absent in labs saved before snapshots existed. */
    @SuppressWarnings("unchecked")
    private void restoreSnapshotFields(Map<String, Object> v) throws IOException {
        if (v.get("frozen") instanceof Map<?, ?> f) {
            frozen = Execution.restore((Map<String, Object>) f);
        }
        if (v.get("snapshots") instanceof List<?> l) {
            for (Object o : l) {
                snapshots.load(SnapshotRecord.restore((Map<String, Object>) o, name));
            }
            snapshots.setCurrent(SavedDoc.str(v, "currentSnapshot"));
        }
        if (v.get("snapshotJob") instanceof Map<?, ?> j) {
            Map<String, Object> job = (Map<String, Object>) j;
            snapshotJob = new SnapshotJob(SavedDoc.str(job, "op"), SavedDoc.strings(job, "names"));
        }
    }
}
