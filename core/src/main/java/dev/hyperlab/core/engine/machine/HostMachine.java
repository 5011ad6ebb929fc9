package dev.hyperlab.core.engine.machine;

import java.util.Map;
import java.io.IOException;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.core.calibration.HostProfile;
import dev.hyperlab.core.calibration.Calibration;
import dev.hyperlab.core.calibration.DiskModel;
import dev.hyperlab.core.sim.SharedResource;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.HashSet;
import java.util.Set;
import dev.hyperlab.core.engine.lifecycle.HostLifecycle;
import dev.hyperlab.core.engine.lifecycle.Lifecycle;
import dev.hyperlab.core.engine.persist.SavedDoc;

/**
 * A physical host: cores, memory, disks, a firmware and a boot order; once booted, the hypervisor that runs VMs.
 *
 * <pre>
 * off     -- power-on  --> booting
 * failed  -- power-on  --> booting
 * booting -- plan done --> running     (firmware, boot loader, OS, hypervisor)
 * booting -- fail step --> failed      (e.g. "No bootable device.")
 * booting/running/failed -- power-off --> off   (VMs on it crash)
 * booting/running/failed -- reset     --> booting
 * </pre>
 */
public final class HostMachine extends Machine {
    /** Hosts have one NIC, net0 (PXE-capable), in this version of the model. */
    static final int NICS = 1;

    public final int cores;
    public final long ram;
    final double ghz;
    public final String firmware;
    final List<HostDisk> disks;
    final List<String> bootOrder;
    /** What {@code host calibrate} measured on the real machine this host was made from, or null (the model's own). */
    private HostProfile profile;
    /** Its lifecycle state; every change goes through {@link Lifecycle#transition}. */
    final Lifecycle<HostState, HostLifecycle.Action> lifecycle;
    /** Why it failed, or empty. */
    private String reason = "";
    /** In maintenance ({@code host maintenance HOST on}): drained, and out of placement until it is off again. */
    private boolean maintenance;
    /** The hypervisor installed on its boot disk, or null. */
    private HypervisorType hypervisor;
    HostOs hostOs;
    private StartPolicy policy = StartPolicy.UNLIMITED;
    final SharedResource cpu;
    final List<SharedResource> diskResources = new ArrayList<>();
    private final DiskModel datastore;
    public final StartScheduler starts = new StartScheduler(this);
    /** Base-image phases whose reads are in the host's cache (profile/phase): asked at each VM step, saved sorted. */
    final Set<String> warmCache = new HashSet<>();
    public final TreeSet<String> vms = new TreeSet<>();
    /** Memory promised to running VMs (guest memory plus VMM overhead). */
    private long committed;
    public final MemoryManager memory = new MemoryManager(this);
    /** Samples its running workloads over time ({@code vm stat --history}, the timeline's load chart). */
    public final StatSampler stats = new StatSampler(this);

    public HostMachine(MachineEnv env, String name, int cores, long ram, double ghz, String firmware, List<HostDisk> disks,
            List<String> bootOrder) {
        super(name, env);
        this.lifecycle = HostLifecycle.of(name);
        this.cores = cores;
        this.ram = ram;
        this.ghz = ghz;
        this.firmware = firmware;
        this.disks = List.copyOf(disks);
        this.bootOrder = List.copyOf(bootOrder);
        this.cpu = env.sim().register(new SharedResource("host:" + name + ":cpu", cores * ghz,
                corunnerSlowdown(cores), cores, Calibration.CPU_OVERSUBSCRIBED_SLOWDOWN, Calibration.CPU_SCHED_NR_LATENCY));
        this.datastore = DiskModel.of(disks.getFirst().kind());
        for (HostDisk d : disks) {
            diskResources.add(env.sim().register(new SharedResource("host:" + name + ":" + d.device(), 1.0)));
        }
    }

    @Override
    SharedResource cpuResource() {
        return cpu;
    }

    /**
     * How much each other piece of work on a host's cores slows every one of them, beyond sharing the cores: booting
     * VMs share the memory bandwidth, caches, disk queue and hypervisor threads, so on an NCU host with idle cores a
     * second boot already costs the first time. The slowdown spreads over the cores left to VMs (one is the host's, as
     * the NCU study counts them); a one-core host has none to spare and pays as a two-core one.
     */
    static double corunnerSlowdown(int cores) {
        return Calibration.CPU_CORUNNER_SLOWDOWN / Math.max(1, cores - Calibration.HOST_RESERVED_CORES);
    }

    /**
     * The co-runner slowdown of this host's cores: the one its real machine showed where it was made from a profile
     * that measured it ({@link HostProfile#corunnerSlowdown}), else the model's ({@link #corunnerSlowdown(int)}).
     */
    double corunnerSlowdown() {
        return profile != null && profile.measuresCorunners() ? profile.corunnerSlowdown() : corunnerSlowdown(cores);
    }

    /** The first disk: the boot disk and the datastore holding the VMs' images. */
    @Override
    SharedResource diskResource() {
        return diskResources.getFirst();
    }

    public DiskModel datastoreModel() {
        return datastore;
    }

    @Override
    double cpuWork(PlannedStep step) {
        return step.demand().cpuGigacycles();
    }

    @Override
    double diskWork(PlannedStep step) {
        return datastoreModel().deviceSeconds(step.demand(), 1.0, 1.0, 1.0);
    }

    @Override
    double cpuCap(PlannedStep step) {
        return Math.min(step.demand().threads(), cores) * ghz;
    }

    @Override
    double cpuWeight() {
        return 1;
    }

    /**
     * Bytes the base image of {@code os} gives a boot that the host's read cache does not hold yet: its boot loader,
     * kernel and init files ({@code host preload}); 0 when the cache holds them all.
     */
    public long coldBootBytes(dev.hyperlab.core.calibration.OsProfile os) {
        String[] keys = VmBootPlans.cacheKeysOf(os);
        dev.hyperlab.api.spi.Demand[] parts = {os.bootloader(), os.kernel(), os.init()};
        long bytes = 0;
        for (int i = 0; i < keys.length; i++) {
            bytes += warmCache.contains(keys[i]) ? 0 : parts[i].readBytes();
        }
        return bytes;
    }

    /** The host's read cache holds {@code os}'s boot blocks from now on (until the host loses power or resets). */
    public void warmBootBlocks(dev.hyperlab.core.calibration.OsProfile os) {
        warmCache.addAll(List.of(VmBootPlans.cacheKeysOf(os)));
    }

    /** The clock of its cores in GHz. */
    public double cpuGhz() {
        return ghz;
    }

    /**
     * The CPU rate (GHz) this host can reserve for VMs: its cores less the host's own, as vSphere's admission control
     * counts a host's capacity for reservations less what the hypervisor keeps (calibration: vm.resources.cpu_admission).
     */
    public double reservableGhz() {
        return Math.max(1, cores - Calibration.HOST_RESERVED_CORES) * ghz;
    }

    /** The CPU rate (GHz) reserved by the VMs holding resources here, {@code except} left out. */
    public double reservedGhz(VmMachine except) {
        double sum = 0;
        for (String n : vms) {
            VmMachine v = env.vmMachine(n);
            if (v != except && v.holdsMemory()) {
                sum += v.cpuReservationGhz();
            }
        }
        return sum;
    }

    /** Why {@code v}'s CPU reservation does not fit next to the running VMs' (with the figures), or empty. */
    public String cpuReservationRefusal(VmMachine v) {
        double want = v.cpuReservationGhz();
        if (want <= 0) {
            return "";
        }
        double reserved = reservedGhz(v);
        if (reserved + want <= reservableGhz() + 1e-9) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, "its CPU reservation of %d MHz does not fit: host %s's running VMs "
                + "reserve %d MHz of the %d MHz it can reserve (%d cores less %d for the host, at %d MHz)",
                Math.round(want * 1000), name, Math.round(reserved * 1000), Math.round(reservableGhz() * 1000), cores,
                Calibration.HOST_RESERVED_CORES, Math.round(ghz * 1000));
    }

    public boolean inMaintenance() {
        return maintenance;
    }

    /** Enters or leaves maintenance ({@code HostMaintenance} drains it first). */
    public void setMaintenance(boolean on) {
        maintenance = on;
    }

    public HostState state() {
        return lifecycle.state();
    }

    /** The real machine's measurements this host was made from ({@code host create --profile}), or null. */
    public HostProfile profile() {
        return profile;
    }

    /** Makes this host boot its profile's guests through the phases {@code p} measured (set once, at creation). */
    public void measuredBy(HostProfile p) {
        this.profile = p;
        cpu.corunnerSlowdown(corunnerSlowdown());
    }

    /** Memory VMs may use: installed memory less what the hypervisor (and, for type 2, the host OS) keeps. */
    public long usableMemory() {
        long reserve = hypervisor == HypervisorType.TYPE2
                ? Calibration.TYPE2_HOST_OS_BYTES
                : Calibration.TYPE1_HOST_RESERVE_BYTES;
        return Math.max(0, ram - reserve);
    }

    /**
     * The CPU tax guest work pays on this host's hypervisor. Under a type 2 hypervisor a VM's vCPUs are threads the host
     * OS schedules among its own desktop and services, which share the cores with them as one more co-runner would.
     */
    double cpuTax() {
        if (hypervisor != HypervisorType.TYPE2) {
            return Calibration.TYPE1_CPU_TAX;
        }
        double hostOs = 1 + Calibration.TYPE2_HOST_OS_CORUNNERS * corunnerSlowdown();
        return (1 + Calibration.TYPE2_CPU_TAX) * hostOs - 1;
    }

    /** Throughput VM disk I/O gets through this host's hypervisor relative to a type 1's. */
    double hypervisorDiskFactor() {
        return hypervisor == HypervisorType.TYPE2 ? Calibration.TYPE2_DISK_FACTOR : 1.0;
    }

    /** What to do, while this host does not run, for it to run: the hint of a request that needs it running. */
    public String untilRunning() {
        return switch (state()) {
            case BOOTING -> "it is still booting: wait until it runs (wait host " + name + ")";
            case FAILED -> "it failed to boot (timeline " + name + " shows where): power it on again once fixed";
            default -> "power it on and wait until it runs (host power-on " + name + ", then wait host " + name + ")";
        };
    }

    /** Its physical disks, boot disk first. */
    public List<HostDisk> disks() {
        return disks;
    }

    /** The host OS of a type 2 hypervisor, or null. */
    public HostOs hostOs() {
        return hostOs;
    }

    /** The hypervisor installed on its boot disk, or null. */
    public HypervisorType hypervisor() {
        return hypervisor;
    }

    /** Whether a hypervisor is installed, which VMs need to run on it. */
    public boolean hasHypervisor() {
        return hypervisor != null;
    }

    /** Why it failed, or empty. */
    public String reason() {
        return reason;
    }

    /** How many of its VMs boot at once and the delay between priority groups ({@code host set --max-boots ...}). */
    public StartPolicy startPolicy() {
        return policy;
    }

    /** Sets its start policy and lets queued VMs start under it at once. */
    public void changeStartPolicy(StartPolicy next) {
        policy = next;
        env.log(name, "start-policy max=" + next.maxConcurrentBoots() + " delay=" + next.groupDelay().toNanos());
        starts.admit();
    }

    /** Memory promised to its running VMs (guest memory plus VMM overhead). */
    public long committed() {
        return committed;
    }

    /** A VM of this host starts holding {@code bytes} of memory. */
    void commit(long bytes) {
        committed += bytes;
    }

    /** A VM of this host gives back the {@code bytes} of memory it held. */
    void uncommit(long bytes) {
        committed -= bytes;
    }

    /**
     * Lab time of steps with {@code demands}, one after another, on this host with nothing else running: each step's
     * fixed delay, CPU work and disk I/O proceed side by side (as {@link StepRun} carries them out), so the slowest
     * bounds it. An imaging environment's boot, which no VM shares, is timed this way.
     */
    public long aloneNanos(List<Demand> demands) {
        double total = 0;
        for (Demand d : demands) {
            double cpu = d.cpuGigacycles() > 0 ? d.cpuGigacycles() / (Math.min(d.threads(), cores) * ghz) : 0;
            total += Math.max(Math.max(d.fixed().toNanos() / 1e9, d.network().toNanos() / 1e9),
                    Math.max(cpu, datastoreModel().deviceSeconds(d, 1.0, 1.0, 1.0)));
        }
        return Math.round(total * 1e9);
    }

    /** The demands of this host's firmware POST (its firmware model's, as a boot starts with). */
    public List<Demand> postDemands() {
        return HostBootPlans.post(this);
    }

    /**
     * What a bare-metal restore put on the boot disk: the hypervisor (and host OS) the image was taken with, so the
     * host runs VMs once it has booted from it.
     */
    public void restoredWith(HypervisorType type, HostOs os) {
        hypervisor = type;
        hostOs = os;
        warmCache.clear();
        env.log(name, "restored " + (type == null ? "an image without a hypervisor" : type.id()));
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------------

    public void install(HypervisorType type, HostOs os) {
        lifecycle.check(HostLifecycle.Action.INSTALL);
        if (type == HypervisorType.TYPE1 && os != null) {
            throw LabException.invalid("a type 1 hypervisor is the host's OS: a {hostOs} does not apply",
                    "leave out the {hostOs}, or install a type2 {hypervisor}");
        }
        HostOs effective = type == HypervisorType.TYPE2 && os == null ? HostOs.LINUX : os;
        HostDisk boot = disks.getFirst();
        env.requireExtensions(firmware, List.of());
        env.images().installHostLoader(name, boot.device(), boot.size(), env.extensions().layoutName(firmware),
                HostBootPlans.tag(type, effective));
        hypervisor = type;
        hostOs = effective;
        warmCache.clear();
        if (env.logging()) { // the line is built only when a log keeps it (10,000 hosts of a storm log none)
            env.log(name, "installed " + type.id() + (effective == null ? "" : " on " + effective.id()));
        }
    }

    public void powerOn() {
        lifecycle.check(HostLifecycle.Action.POWER_ON);
        env.requireExtensions(firmware, List.of());
        lifecycle.transition(HostLifecycle.Action.POWER_ON);
        reason = "";
        env.log(name, "power-on");
        startPlan(PlanKind.BOOT, HostBootPlans.plan(this));
    }

    public void powerOff() {
        lifecycle.check(HostLifecycle.Action.POWER_OFF);
        cutPower("host " + name + " lost power");
        env.log(name, "power-off");
    }

    /** Checks that the host may be deleted now: it is off. */
    public void checkDeletable() {
        lifecycle.check(HostLifecycle.Action.DELETE);
    }

    /**
     * Takes the deleted host out of the simulation: its cores and disks stop being resources the solver shares (an
     * off host's are idle). Returns its disks' device names, in order, for their images to go too.
     */
    public List<String> remove() {
        env.sim().unregister(cpu);
        diskResources.forEach(env.sim()::unregister);
        return disks.stream().map(HostDisk::device).toList();
    }

    public void reset() {
        lifecycle.check(HostLifecycle.Action.RESET);
        env.requireExtensions(firmware, List.of()); // before the power is cut: a refused reset changes nothing
        cutPower("host " + name + " was reset");
        env.log(name, "reset");
        powerOn();
    }

    private void cutPower(String why) {
        stopPlan();
        lifecycle.transition(HostLifecycle.Action.POWER_OFF);
        reason = "";
        starts.clear();
        warmCache.clear();
        for (String vm : vms) {
            env.vmMachine(vm).hostLost(why);
        }
        committed = 0;
        memory.swapUsed = 0;
        memory.reindex();
        memory.changed();
    }

    @Override
    void planDone(PlanKind kind) {
        lifecycle.transition(HostLifecycle.Action.BOOTED);
        env.log(name, "running");
        autostart();
        starts.admit();
    }

    /**
     * Asks to start the VMs marked to start with the host that are not running (after a power cut they are crashed),
     * as libvirtd starts autostart domains when it comes up: in name order, the start policy ordering them by boot
     * priority. One that cannot start (not enough memory, a plugin gone) keeps the refusal as its reason.
     */
    private void autostart() {
        for (String n : vms) {
            VmMachine vm = env.vmMachine(n);
            if (!vm.autostart() || vm.state() == VmState.STARTING || vm.state() == VmState.RUNNING
                    || vm.state() == VmState.PAUSED || vm.state() == VmState.SUSPENDED) {
                continue;
            }
            try {
                vm.checkStartable();
                vm.request();
                env.log(n, "autostart");
            } catch (LabException e) {
                vm.autostartRefused(e.getMessage());
            }
        }
    }

    @Override
    void planFailed(PlanKind kind, PlannedStep failure) {
        lifecycle.transition(HostLifecycle.Action.BOOT_FAILED);
        reason = failure.failure();
    }

    public HostInfo info() {
        List<HostInfo.HostDiskInfo> ds = new ArrayList<>();
        for (int i = 0; i < disks.size(); i++) {
            HostDisk d = disks.get(i);
            String contents = i == 0 && hypervisor != null
                    ? (hypervisor == HypervisorType.TYPE1 ? "type1 hypervisor" : hostOs.id() + " + type2 hypervisor")
                    : "";
            ds.add(new HostInfo.HostDiskInfo(d.device(), d.kind(), d.size(), contents));
        }
        return new HostInfo(name, state(), cores, ram, ghz, firmware, ds, bootOrder,
                hypervisor == null ? "" : hypervisor.id(), hostOs == null ? "" : hostOs.id(), policy,
                List.copyOf(vms), reason, maintenance);
    }

    // ---- saved with the lab (LabCodec) ----

    /** Writes this host as an object of a saved lab: its configuration, state, memory, start queue and run. */
    public void save(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeNumberField("cores", cores);
        g.writeNumberField("ram", ram);
        g.writeNumberField("ghz", ghz);
        g.writeStringField("firmware", firmware);
        g.writeArrayFieldStart("disks");
        for (HostDisk d : disks) {
            g.writeStartObject();
            g.writeStringField("device", d.device());
            g.writeStringField("kind", d.kind().id());
            g.writeNumberField("size", d.size());
            g.writeEndObject();
        }
        g.writeEndArray();
        SavedDoc.writeStrings(g, "bootOrder", bootOrder);
        g.writeStringField("state", state().id());
        g.writeStringField("reason", reason);
        if (maintenance) {
            g.writeBooleanField("maintenance", true);
        }
        g.writeStringField("hypervisor", hypervisor == null ? "" : hypervisor.id());
        g.writeStringField("hostOs", hostOs == null ? "" : hostOs.id());
        g.writeNumberField("maxConcurrentBoots", policy.maxConcurrentBoots());
        g.writeNumberField("groupDelay", policy.groupDelay().toNanos());
        SavedDoc.writeStrings(g, "warmCache", List.copyOf(new TreeSet<>(warmCache)));
        g.writeNumberField("committed", committed);
        memory.save(g);
        stats.save(g);
        starts.save(g);
        enrolledKeys.save(g);
        if (profile != null) {
            g.writeFieldName("profile");
            SavedDoc.writeValue(g, profile.toTree());
        }
        saveRun(g);
        g.writeEndObject();
    }

    /** A host as {@link #save} wrote it, in {@code env} (its start queue is linked once the VMs are loaded). */
    @SuppressWarnings("unchecked")
    public static HostMachine restore(MachineEnv env, Map<String, Object> h) throws IOException {
        List<HostDisk> disks = new ArrayList<>();
        for (Object o : SavedDoc.list(h, "disks")) {
            Map<String, Object> d = (Map<String, Object>) o;
            disks.add(new HostDisk(SavedDoc.str(d, "device"), dev.hyperlab.api.lab.DiskKind.of(SavedDoc.str(d, "kind")),
                    SavedDoc.num(d, "size")));
        }
        HostMachine host = new HostMachine(env, SavedDoc.str(h, "name"), (int) SavedDoc.num(h, "cores"),
                SavedDoc.num(h, "ram"), SavedDoc.dbl(h, "ghz"), SavedDoc.str(h, "firmware"), disks,
                SavedDoc.strings(h, "bootOrder"));
        host.lifecycle.restore(HostState.of(SavedDoc.str(h, "state")));
        host.reason = SavedDoc.str(h, "reason");
        host.maintenance = Boolean.TRUE.equals(h.get("maintenance"));
        String hypervisor = SavedDoc.str(h, "hypervisor");
        host.hypervisor = hypervisor.isEmpty() ? null : HypervisorType.of(hypervisor);
        host.hostOs = SavedDoc.str(h, "hostOs").isEmpty() ? null : HostOs.of(SavedDoc.str(h, "hostOs"));
        host.policy = new StartPolicy((int) SavedDoc.num(h, "maxConcurrentBoots"),
                java.time.Duration.ofNanos(SavedDoc.num(h, "groupDelay")));
        host.warmCache.addAll(SavedDoc.strings(h, "warmCache"));
        host.committed = SavedDoc.num(h, "committed");
        host.starts.restore(h);
        host.memory.restore(h);
        host.stats.restore(h);
        host.enrolledKeys.restore(h);
        if (h.get("profile") != null) {
            host.measuredBy(HostProfile.fromTree(h.get("profile")));
        }
        host.restoreRun(h);
        return host;
    }
}
