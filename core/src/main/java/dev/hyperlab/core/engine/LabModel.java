package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.core.calibration.HostProfile;
import dev.hyperlab.core.sim.RandomStreams;
import dev.hyperlab.core.sim.SimEvent;
import dev.hyperlab.core.sim.Simulation;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.engine.image.FileImageStore;
import dev.hyperlab.core.engine.image.ForkImageStore;
import dev.hyperlab.core.engine.image.ImageStore;
import dev.hyperlab.core.engine.image.MemoryImageStore;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.Machine;
import dev.hyperlab.core.engine.machine.MachineEnv;
import dev.hyperlab.core.engine.machine.MemoryManager;
import dev.hyperlab.core.engine.machine.MemoryTick;
import dev.hyperlab.core.engine.machine.PartTimer;
import dev.hyperlab.core.engine.machine.StartGate;
import dev.hyperlab.core.engine.machine.VmMachine;

/**
 * The engine's world: hosts and VMs on one simulation, with every request validated before anything changes (a
 * refused request leaves the lab as it was). Single-threaded: the facade serialises calls.
 */
public final class LabModel {
    /**
     * Bumped when the model's behaviour changes in a way that changes results for the same commands (2: guest shutdowns
     * take lab time, deleting a running VM's snapshot pauses it).
     */
    public static final String ENGINE_VERSION = "2";

    /** Default host disk when none is given: a configuration default, not a measured figure. */
    static final long DEFAULT_HOST_DISK = Sizes.TiB;

    private final Simulation sim = new Simulation();
    private final RandomStreams random;
    private final Extensions extensions;
    private final ImageStore images;
    final TreeMap<String, HostMachine> hosts = new TreeMap<>();
    final TreeMap<String, VmMachine> vms = new TreeMap<>();
    /** Which plugin provided each plugin extension this lab's machines use, and the checks that they are loaded. */
    final PluginOrigins plugins = new PluginOrigins(this);
    private final Snapshots snapshots = new Snapshots(this);
    /** Every machine by name, for the event dispatch's lookups (never iterated: order does not matter here). */
    private final java.util.HashMap<String, Machine> byName = new java.util.HashMap<>();
    /** The disk images: VM disks, base images, and those made by disk create / disk convert. */
    final LabDisks disks = new LabDisks(this);
    /** The workloads running VMs can have: built-in and the lab's own ({@code workload create}). */
    final LabWorkloads workloads = new LabWorkloads();
    /** Real guest writes (labs in files only). */
    final GuestIo guestIo = new GuestIo(this);
    private final LabBackups backups = new LabBackups(this);
    private final LabHostImages hostImages = new LabHostImages(this);
    private final LabHostFiles hostFiles = new LabHostFiles(this);
    long requests;
    DiskBudget diskBudget = DiskBudget.AUTO;
    /** What the machines see of this lab. */
    final MachineEnv env = new LabEnv(this);
    private final HostOperations hostOps = new HostOperations(this);
    private final VmDefinitions definitions = new VmDefinitions(this);
    private final VmStarts starts = new VmStarts(this);
    private final LabTimeline timeline = new LabTimeline(this);

    LabModel(long seed, Extensions extensions, ImageStore images) {
        this.random = new RandomStreams(seed);
        this.extensions = extensions;
        this.images = images;
        if (images.writesGuestData()) {
            sim.setClockListener(guestIo); // in memory and in dry runs the clock moves without writing
        }
    }

    /** A lab in memory only (images too): for tests, benchmarks and scale runs. */
    public static LabModel inMemory(long seed) {
        return new LabModel(seed, Extensions.builtIn(), new MemoryImageStore());
    }

    /**
     * A throw-away copy for dry runs: same state, same seed, images read through to this lab's and written only in
     * memory.
     */
    public LabModel fork() {
        return LabCodec.copy(this, new ForkImageStore(images));
    }

    /** A new lab that keeps its images in {@code dir} (or in memory when {@code dir} is null). */
    public static LabModel create(long seed, Extensions extensions, java.nio.file.Path dir) {
        return new LabModel(seed, extensions, images(dir));
    }

    /** A lab loaded from a parsed save document, its images in {@code dir} (or in memory when null). */
    public static LabModel load(java.util.Map<String, Object> document, Extensions extensions, java.nio.file.Path dir)
            throws java.io.IOException {
        return LabCodec.load(document, extensions, images(dir));
    }

    private static ImageStore images(java.nio.file.Path dir) {
        return dir == null ? new MemoryImageStore() : new FileImageStore(dir);
    }

    /** Makes every image write durable (before the model is saved, so the two agree). */
    public void flushImages() {
        images.flush();
    }

    /** Releases the image files. */
    public void closeImages() {
        images.close();
    }

    public Simulation sim() {
        return sim;
    }

    public long seed() {
        return random.seed();
    }

    SplittableRandom random(String key) {
        return random.stream(key);
    }

    public Extensions extensions() {
        return extensions;
    }

    ImageStore images() {
        return images;
    }

    /** The VMs' backups and restores as the lab sees them: consistent points, lab time, restored VMs. */
    public LabBackups backups() {
        return backups;
    }

    /** Physical hosts' disk images and bare-metal restores as the lab sees them: downtime, lab time, the boot. */
    public LabHostImages hostImages() {
        return hostImages;
    }

    /** File backups of files inside physical hosts: the file agent's read, its lab time. */
    public LabHostFiles hostFiles() {
        return hostFiles;
    }

    /** The workloads running VMs can have ({@code workload list}, {@code create}). */
    public LabWorkloads workloads() {
        return workloads;
    }

    /** Removes the lab's workload {@code id} ({@code workload delete}); refused while a VM has it. */
    public void deleteWorkload(String id) {
        List<String> users = new ArrayList<>();
        for (VmMachine v : vms.values()) {
            if (v.workload().id().equals(id)) {
                users.add(v.name);
            }
        }
        workloads.delete(id, users);
    }

    /** Defines a workload ({@code workload create}). */
    public dev.hyperlab.api.lab.WorkloadInfo createWorkload(dev.hyperlab.api.lab.WorkloadSpec spec) {
        return workloads.info(workloads.define(spec).id());
    }

    /** The plugins whose extensions this lab's hosts and VMs use, sorted. */
    public List<String> pluginsUsed() {
        return plugins.used();
    }

    /** Refuses, changing nothing, when firmware {@code firmwareId} or one of {@code driverIds} is not available now. */
    void requireExtensions(String firmwareId, List<String> driverIds) {
        plugins.require(firmwareId, driverIds);
    }

    /** Notes which plugin provides the extensions a new machine uses. */
    void recordOrigins(String firmwareId, List<String> driverIds) {
        plugins.record(firmwareId, driverIds);
    }

    /** The disk images: what the {@code disk} commands work on. */
    public LabDisks disks() {
        return disks;
    }

    long nextRequest() {
        return ++requests;
    }

    boolean logging() {
        return sim.log().enabled();
    }

    void log(String machine, String... words) {
        if (sim.log().enabled()) {
            sim.log().record(sim.now(), machine, words);
        }
    }

    // one to four words without a varargs array (made even when no log keeps the line: a storm logs 5 lines per VM)
    void log(String machine, String w1) {
        logWords(machine, 1, w1, null, null, null);
    }

    void log(String machine, String w1, String w2) {
        logWords(machine, 2, w1, w2, null, null);
    }

    void log(String machine, String w1, String w2, String w3) {
        logWords(machine, 3, w1, w2, w3, null);
    }

    void log(String machine, String w1, String w2, String w3, String w4) {
        logWords(machine, 4, w1, w2, w3, w4);
    }

    private void logWords(String machine, int n, String w1, String w2, String w3, String w4) {
        if (sim.log().enabled()) {
            sim.log().recordWords(sim.now(), machine, n, w1, w2, w3, w4);
        }
    }

    // ---- lookups -------------------------------------------------------------------------------------------------

    /** Registers a new or loaded machine. */
    void add(Machine m) {
        switch (m) {
            case HostMachine h -> hosts.put(h.name, h);
            case VmMachine v -> {
                vms.put(v.name, v);
                hostMachine(v.host).vms.add(v.name);
            }
        }
        putByName(m);
    }

    /** Makes {@code m} the lab's machine of its name (the one it had of that name, if any, is no longer). */
    private void putByName(Machine m) {
        Machine old = byName.put(m.name, m);
        if (old != null && old != m) {
            old.leftLab();
        }
        m.enteredLab();
    }

    /** No machine is the lab's of {@code name} any more. */
    private void removeByName(String name) {
        Machine old = byName.remove(name);
        if (old != null) {
            old.leftLab();
        }
    }

    /** The host or VM named {@code name}, or null. */
    Machine machine(String name) {
        return byName.get(name);
    }

    /** Takes host {@code name} out of the lab's tables (its images are the caller's). */
    void removeHost(String name) {
        hosts.remove(name);
        removeByName(name);
    }

    HostMachine hostMachine(String name) {
        HostMachine h = byName.get(name) instanceof HostMachine m ? m : null;
        if (h == null) {
            throw noSuch("host", name);
        }
        return h;
    }

    VmMachine vmMachine(String name) {
        VmMachine v = byName.get(name) instanceof VmMachine m ? m : null;
        if (v == null) {
            throw noSuch("VM", name);
        }
        return v;
    }

    /**
     * No {@code kind} (host or VM) named {@code name}: NOT_FOUND, saying so when the name is the other kind's (a host
     * where a VM was asked for), so a person who typed the right name into the wrong command sees why.
     */
    public LabException noSuch(String kind, String name) {
        boolean host = kind.equals("host");
        Machine other = byName.get(name);
        if (other != null) {
            String is = other instanceof HostMachine ? "a host" : "a VM";
            return LabException.notFound("no " + kind + " named '" + name + "': '" + name + "' is " + is, host
                    ? "host list shows the hosts" : "vm list shows the VMs");
        }
        return LabException.notFound("no " + kind + " named '" + name + "'", host ? "host list shows the hosts"
                : "vm list shows the VMs");
    }

    /** {@code 1 core}, {@code 2 cores}: a count with its noun. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    public boolean hasHost(String name) {
        return byName.get(name) instanceof HostMachine;
    }

    public boolean hasVm(String name) {
        return byName.get(name) instanceof VmMachine;
    }

    public List<String> hostNames() {
        return List.copyOf(hosts.keySet());
    }

    public List<String> vmNames() {
        return List.copyOf(vms.keySet());
    }

    public int hostCount() {
        return hosts.size();
    }

    public int vmCount() {
        return vms.size();
    }

    public int hostsIn(HostState state) {
        int n = 0;
        for (HostMachine h : hosts.values()) {
            n += h.state() == state ? 1 : 0;
        }
        return n;
    }

    public int vmsIn(VmState state) {
        int n = 0;
        for (VmMachine v : vms.values()) {
            n += v.state() == state ? 1 : 0;
        }
        return n;
    }

    // ---- hosts ({@link HostOperations}) ----------------------------------------------------------------------------

    public void createHost(HostSpec spec) {
        hostOps.createHost(spec);
    }

    /** Defines several hosts, all checked before the first exists ({@link HostOperations#createHosts}). */
    public void createHosts(List<HostSpec> specs) {
        hostOps.createHosts(specs);
    }

    /** Defines host {@code name} from a real machine's profile ({@code host create --profile}). */
    public void createHost(String name, HostProfile profile) {
        hostOps.createHost(name, profile);
    }

    /** Removes host {@code name} and its disks' images ({@code host delete}): off, with no VM defined on it. */
    public void deleteHost(String name) {
        hostOps.deleteHost(name);
    }

    public HostInfo hostInfo(String name) {
        return hostMachine(name).info();
    }

    /** Enrolls {@code key} in host or VM {@code name}'s Secure Boot db ({@code kind}: {@code vm}, {@code host}). */
    public dev.hyperlab.api.lab.SecureBootKey enrollKey(String kind, String name,
            dev.hyperlab.core.firmware.SigningKeys.PublicHalf key) {
        Machine m = kind.equals("vm") ? vmMachine(name) : hostMachine(name);
        dev.hyperlab.api.lab.SecureBootKey k = m.enrolledKeys.enroll(kind, name, key);
        log(name, "enrolled secure boot key " + k.keyId());
        return k;
    }

    /** The keys enrolled in host or VM {@code name}'s Secure Boot db. */
    public List<dev.hyperlab.api.lab.SecureBootKey> enrolledKeys(String kind, String name) {
        return (kind.equals("vm") ? vmMachine(name) : hostMachine(name)).enrolledKeys.info();
    }

    public HostState hostState(String name) {
        return hostMachine(name).state();
    }

    public void installHost(String name, HypervisorType type, HostOs os) {
        hostMachine(name).install(type, os);
    }

    public void powerOn(String name) {
        hostMachine(name).powerOn();
    }

    public void powerOff(String name) {
        hostMachine(name).powerOff();
    }

    public void reset(String name) {
        hostMachine(name).reset();
    }

    /** {@code host preload HOST --os PROFILE}: the host's read cache holds the profile's boot blocks after. */
    public Duration preloadHost(String name, String os, ProgressListener progress) {
        return hostOps.preloadHost(name, os, progress);
    }

    // ---- memory ----------------------------------------------------------------------------------------------------

    public dev.hyperlab.api.lab.VmMemory vmMemory(String vm) {
        return vmMachine(vm).memoryInfo();
    }

    public dev.hyperlab.api.lab.VmStat vmStat(String vm) {
        VmMachine v = vmMachine(vm);
        v.hostMachine().memory.update();
        return v.stat();
    }

    /** Its VMs' stats summed: ready as a share of all CPU asked, latency weighted by the disk time each asks. */
    public dev.hyperlab.api.lab.HostStat hostStat(String host) {
        return hostOps.hostStat(host);
    }

    public void setBalloonTarget(String vm, long bytes) {
        vmMachine(vm).setBalloonTarget(bytes);
    }

    public dev.hyperlab.api.lab.HostMemory hostMemory(String host) {
        MemoryManager mm = hostMachine(host).memory;
        mm.update();
        return mm.info();
    }

    public dev.hyperlab.api.lab.MemoryPolicy memoryPolicy(String host) {
        return hostMachine(host).memory.policy();
    }

    public void setMemoryPolicy(String host, dev.hyperlab.api.lab.MemoryPolicy policy) {
        hostOps.setMemoryPolicy(host, policy);
    }

    /** Memory samples of the named machines (all when empty), ordered by time, then machine. */
    public List<dev.hyperlab.api.lab.MemorySample> memoryHistory(Collection<String> names) {
        return timeline.memoryHistory(names);
    }

    public List<dev.hyperlab.api.lab.StatSample> statHistory(Collection<String> names) {
        return timeline.statHistory(names);
    }

    public StartPolicy startPolicy(String host) {
        return hostMachine(host).startPolicy();
    }

    public void setStartPolicy(String host, StartPolicy policy) {
        hostOps.setStartPolicy(host, policy);
    }

    public List<String> vmsOn(String host) {
        return List.copyOf(hostMachine(host).vms);
    }

    // ---- VMs ({@link VmDefinitions}, {@link VmStarts}) -------------------------------------------------------------

    public void createVm(VmSpec spec) {
        definitions.create(spec, false);
    }

    /** Defines several VMs, all checked before the first exists ({@link VmDefinitions#createAll}). */
    public void createVms(List<VmSpec> specs) {
        definitions.createAll(specs);
    }

    /**
     * Defines a VM restored from a backup: as {@link #createVm(VmSpec)}, but every disk of {@code spec} is a size and
     * becomes a blank standalone image (the restore fills it), the OS profile only naming the guest, not making a disk.
     */
    void createRestoredVm(VmSpec spec) {
        definitions.create(spec, true);
    }

    public void deleteVm(String name) {
        definitions.delete(name);
    }

    public VmInfo vmInfo(String name) {
        return vmMachine(name).info();
    }

    public VmState vmState(String name) {
        return vmMachine(name).state();
    }

    public void startVm(String name) {
        vmMachine(name).start();
    }

    /** Starts several VMs as one request, as a boot storm or a host's autostart does (all checked first). */
    public void startVms(Collection<String> names) {
        starts.startVms(names);
    }

    public void shutdownVm(String name) {
        vmMachine(name).shutdown();
    }

    public void destroyVm(String name) {
        vmMachine(name).destroy();
    }

    public void rebootVm(String name) {
        vmMachine(name).reboot();
    }

    public void suspendVm(String name) {
        vmMachine(name).suspend();
    }

    public void resumeVm(String name) {
        vmMachine(name).resume();
    }

    /** Clones stopped VM {@code source} as {@code name} ({@code vm clone}, {@link VmClones}); the lab's clock runs on for the copy. */
    public VmInfo cloneVm(String source, String name, ProgressListener progress) {
        return VmClones.cloneVm(this, source, name, progress).vm().info();
    }

    /** A linked clone of stopped VM {@code source} as {@code name} ({@code vm clone --linked}, {@link VmClones}). */
    public VmInfo linkedCloneVm(String source, String name, ProgressListener progress) {
        return VmClones.linkedClone(this, source, name, progress).vm().info();
    }

    /** Moves stopped VM {@code name} to host {@code to} ({@code vm migrate}, {@link VmMigrations}); the copy takes lab time. */
    public VmInfo migrateVm(String name, String to, ProgressListener progress) {
        return VmMigrations.migrate(this, name, to, progress).info();
    }

    /** Moves VM {@code name} to host {@code to} as {@code o} says ({@code vm migrate [--live]}, {@link LiveMigration}). */
    public dev.hyperlab.api.lab.MigrationInfo migrateVm(String name, String to, dev.hyperlab.api.lab.MigrateOptions o,
            ProgressListener progress) {
        return o.live() ? LiveMigration.migrate(this, name, to, o, progress) : VmMigrations.offline(this, name, to, progress);
    }

    /** {@code host maintenance NAME on|off} ({@link HostMaintenance}): drains the host or lets it take VMs again. */
    public dev.hyperlab.api.lab.MaintenanceInfo maintenanceHost(String name, boolean on, ProgressListener progress) {
        return HostMaintenance.set(this, name, on, progress);
    }

    /** Changes VM {@code name}'s definition ({@code vm set}, {@link VmChanges}); returns the VM as it is after. */
    public VmInfo setVm(String name, dev.hyperlab.api.lab.VmChange change) {
        return VmChanges.apply(this, name, change).info();
    }

    /** Sets VM {@code name}'s resource controls ({@code vm set --cpu-shares ...}, {@link VmResourceChanges}). */
    public VmInfo setVmResources(String name, dev.hyperlab.api.lab.VmResources resources) {
        return VmResourceChanges.apply(this, name, resources).info();
    }

    /** Takes {@code vm} out of the lab's tables and its host's (its images are the caller's). */
    void removeVm(VmMachine vm) {
        vm.hostMachine().starts.remove(vm);
        vm.hostMachine().vms.remove(vm.name);
        vms.remove(vm.name);
        removeByName(vm.name);
    }

    /** Renames stopped VM {@code name} ({@code vm rename}, {@link VmRenames}). */
    public VmInfo renameVm(String name, String newName) {
        return VmRenames.rename(this, name, newName).info();
    }

    /** Puts {@code vm} in the place of the VM of the same name (a revert brings back the snapshot's VM). */
    void replaceVm(VmMachine vm) {
        VmMachine old = vmMachine(vm.name);
        if (old.holdsMemory() || old.hostMachine().starts.queue.contains(old)) {
            throw new IllegalStateException("VM " + vm.name + " still holds host resources");
        }
        vms.put(vm.name, vm);
        putByName(vm);
    }

    // ---- snapshots (docs/snapshots.md) ---------------------------------------------------------------------------

    public List<dev.hyperlab.api.lab.SnapshotInfo> snapshots(String vm) {
        return snapshots.list(vm);
    }

    public dev.hyperlab.api.lab.SnapshotInfo snapshot(String vm, String name) {
        return snapshots.info(vm, name);
    }

    /** Takes snapshot {@code name} of {@code vm}; {@code checkpoint} saves the lab before the first image changes. */
    public dev.hyperlab.api.lab.SnapshotInfo createSnapshot(String vm, String name,
            dev.hyperlab.api.lab.SnapshotOptions options, Runnable checkpoint) {
        return snapshots.create(vm, name, options, checkpoint);
    }

    /** Reverts {@code vm} to snapshot {@code name} ({@code checkpoint} as for {@link #createSnapshot}). */
    public void revertSnapshot(String vm, String name, Runnable checkpoint) {
        snapshots.revert(vm, name, checkpoint);
    }

    /** Deletes snapshot {@code name} of {@code vm}, and those below it with {@code children}; the names deleted. */
    public List<String> deleteSnapshot(String vm, String name, boolean children, Runnable checkpoint) {
        return snapshots.delete(vm, name, children, checkpoint);
    }

    /** SHA-256 of {@code vm}'s runtime state as a snapshot saves it ({@link VmStateDoc}). */
    public String stateDigest(String vm) {
        return VmStateDoc.digest(VmStateDoc.capture(vmMachine(vm)));
    }

    /** For a backup of a running VM: snapshot {@code name} of every disk of {@code vm} at once, outside the tree. */
    public void takeDiskSnapshots(String vm, String name, Runnable checkpoint) {
        snapshots.takeDisks(vm, name, false, checkpoint);
    }

    /** {@link #takeDiskSnapshots}, pausing a running VM while the snapshot's metadata is written (its timeline). */
    void takeDiskSnapshots(String vm, String name, boolean pause, Runnable checkpoint) {
        snapshots.takeDisks(vm, name, pause, checkpoint);
    }

    /** Disk {@code device} of {@code vm} as it was at snapshot {@code name}: a read-only image. */
    public dev.hyperlab.core.storage.DiskImage diskAtSnapshot(String vm, String device, String name) {
        return snapshots.diskAt(vm, device, name);
    }

    /** Deletes the snapshot {@link #takeDiskSnapshots} took. */
    public void dropDiskSnapshots(String vm, String name) {
        snapshots.dropDisks(vm, name);
    }

    /** Finishes or undoes snapshot operations a killed process left under way; called when a lab is loaded. */
    public void recoverInterruptedJobs() {
        snapshots.recover();
    }

    void requireFreeName(String name) {
        Machine m = byName.get(name);
        if (m != null) {
            throw LabException.conflict("a " + (m instanceof HostMachine ? "host" : "VM") + " named '" + name
                    + "' already exists", "choose another name");
        }
    }

    // ---- running the simulation ---------------------------------------------------------------------------------

    void dispatch(SimEvent e) {
        switch (e) {
            case PartTimer t -> {
                // the machine that set the timer while it is the lab's of that name (as the look-up would find it)
                Machine m = t.target() != null && t.target().inLab() ? t.target() : byName.get(t.machine());
                if (m != null) {
                    m.timerDue(t.run(), t.part());
                }
            }
            case MemoryTick t -> {
                HostMachine h = hosts.get(t.host());
                if (h != null && h.memory.tickAt() == sim.now()) {
                    h.memory.tick();
                }
            }
            case dev.hyperlab.core.engine.machine.StatTick t -> {
                HostMachine h = hosts.get(t.host());
                if (h != null && h.stats.tickAt() == sim.now()) {
                    h.stats.tick();
                }
            }
            case StartGate g -> {
                HostMachine h = hosts.get(g.host());
                if (h != null) {
                    h.starts.gateEvent(sim.now());
                }
            }
            default -> throw new IllegalStateException("unknown event " + e);
        }
    }

    /**
     * Runs the simulation for {@code duration}. Interrupting the thread stops at the next safe point, leaving the lab
     * as an advance to the time reached would, and throws {@code CANCELLED}.
     */
    public void advance(Duration duration, ProgressListener progress) {
        if (duration.isNegative()) {
            throw LabException.invalid("cannot go back in time", "give a duration of 0 or more");
        }
        long target = Math.addExact(sim.now(), duration.toNanos());
        OptionalLong free = images.freeSpace();
        if (free.isPresent()) {
            diskBudget.check(duration, guestIo.estimate(sim.now(), target), free.getAsLong());
        }
        runUntil(target, () -> false, true, progress);
    }

    /** How much new disk space one advance may take ({@code lab set --disk-budget}). */
    DiskBudget diskBudget() {
        return diskBudget;
    }

    /** Sets the disk budget: {@code auto} or a size ({@code 20GiB}). */
    public void setDiskBudget(String budget) {
        diskBudget = DiskBudget.parse(budget);
    }

    /** The disk budget as set: {@code auto} or a size. */
    public String diskBudgetSetting() {
        return diskBudget.setting();
    }

    /**
     * The disk budget in bytes with {@code free} bytes free (for {@code auto}, half of it), or 0 for a lab kept in
     * memory (no free space). The caller reads the free space once, so that what it shows agrees with itself.
     */
    public long diskBudgetBytes(OptionalLong free) {
        return free.isPresent() ? diskBudget.limit(free.getAsLong()) : 0;
    }

    /** Bytes free on the file system of the lab's images, or empty for a lab kept in memory. */
    public OptionalLong freeSpace() {
        return images.freeSpace();
    }

    /**
     * Runs until {@code done} holds or lab time {@code target}; with {@code idleToEnd} false it also stops when nothing
     * more is scheduled. True when {@code done} holds at the end. Every advance and wait comes through here
     * ({@link SimulationRun}: progress, cancelling).
     */
    boolean runUntil(long target, BooleanSupplier done, boolean idleToEnd, ProgressListener progress) {
        return SimulationRun.run(this, target, done, idleToEnd, progress);
    }

    // ---- waits ({@link HostOperations}, {@link VmStarts}) and the timeline ({@link LabTimeline}) ----------------------

    public void waitHost(String name, HostState state, Duration timeout, ProgressListener progress) {
        hostOps.waitHost(name, state, timeout, progress);
    }

    public void waitVm(String name, VmState state, Duration timeout, ProgressListener progress) {
        starts.waitVm(name, state, timeout, progress);
    }

    /**
     * Makes {@code request} of VM {@code name}, then, as {@code wait} says, runs the simulation until the lasting work
     * it started is over, at most the wait's timeout ({@link VmStarts#requestVm}).
     */
    public void requestVm(String name, Wait wait, ProgressListener progress, Runnable request) {
        starts.requestVm(name, wait, progress, request);
    }

    /** {@link #requestVm} for a host: the work a power-on or a reset starts is its boot. */
    public void requestHost(String name, Wait wait, ProgressListener progress, Runnable request) {
        hostOps.requestHost(name, wait, progress, request);
    }

    public List<TimelinePhase> timeline(Collection<String> names) {
        return timeline.timeline(names);
    }
}
