package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.DiskKind;
import dev.hyperlab.api.lab.HostDiskSpec;
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
import dev.hyperlab.core.model.HostProfile;
import dev.hyperlab.core.model.Calibration;
import dev.hyperlab.core.model.OsProfile;
import dev.hyperlab.core.model.OsProfiles;
import dev.hyperlab.core.sim.RandomStreams;
import dev.hyperlab.core.sim.SimEvent;
import dev.hyperlab.core.sim.Simulation;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import dev.hyperlab.core.engine.extension.Extensions;
import dev.hyperlab.core.engine.image.DiskFiles;
import dev.hyperlab.core.engine.image.FileImageStore;
import dev.hyperlab.core.engine.image.ForkImageStore;
import dev.hyperlab.core.engine.image.ImageStore;
import dev.hyperlab.core.engine.image.MemoryImageStore;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.machine.HostDisk;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.Machine;
import dev.hyperlab.core.engine.machine.MachineEnv;
import dev.hyperlab.core.engine.machine.MemoryManager;
import dev.hyperlab.core.engine.machine.MemoryTick;
import dev.hyperlab.core.engine.machine.PartTimer;
import dev.hyperlab.core.engine.machine.PhaseRecord;
import dev.hyperlab.core.engine.machine.PlanKind;
import dev.hyperlab.core.engine.machine.PlannedStep;
import dev.hyperlab.core.engine.machine.StartGate;
import dev.hyperlab.core.engine.machine.VmDisk;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.engine.machine.WorkloadRun;

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
    /**
     * Which plugin provided each plugin extension this lab's machines were created with ({@code firmware/ID},
     * {@code driver/ID} to plugin id), kept with the lab: when the plugin is gone, a start names the plugin it needs.
     */
    final TreeMap<String, String> pluginOrigins = new TreeMap<>();
    private final Snapshots snapshots = new Snapshots(this);
    /** Every machine by name, for the event dispatch's lookups (never iterated: order does not matter here). */
    private final java.util.HashMap<String, Machine> byName = new java.util.HashMap<>();
    /** The disk images: VM disks, base images, and those made by disk create / disk convert. */
    final LabDisks disks = new LabDisks(this);
    /** Real guest writes (labs in files only). */
    final GuestIo guestIo = new GuestIo(this);
    private final LabBackups backups = new LabBackups(this);
    private final LabHostImages hostImages = new LabHostImages(this);
    private final LabHostFiles hostFiles = new LabHostFiles(this);
    long requests;
    DiskBudget diskBudget = DiskBudget.AUTO;
    /** What the machines see of this lab. */
    final MachineEnv env = new Env();
    /** Boot searches over unwritten copies of base images, made once per lab (not saved: a load finds the same). */
    private final dev.hyperlab.core.engine.machine.BootSearchMemo bootSearches =
            new dev.hyperlab.core.engine.machine.BootSearchMemo();

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
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try {
            LabCodec.write(this, buf, java.util.Map.of());
            LabModel copy = new LabModel(seed(), extensions, new ForkImageStore(images));
            LabCodec.read(new java.io.ByteArrayInputStream(buf.toByteArray()), copy);
            copy.sim().setLog(dev.hyperlab.core.sim.EventLog.NONE);
            return copy;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("copying the lab for a dry run", e);
        }
    }

    /** A new lab that keeps its images in {@code dir} (or in memory when {@code dir} is null). */
    public static LabModel create(long seed, Extensions extensions, java.nio.file.Path dir) {
        return new LabModel(seed, extensions, images(dir));
    }

    /** A lab loaded from a parsed save document, its images in {@code dir} (or in memory when null). */
    public static LabModel load(java.util.Map<String, Object> document, Extensions extensions, java.nio.file.Path dir)
            throws java.io.IOException {
        LabModel lab = new LabModel(LabCodec.num(document, "seed"), extensions, images(dir));
        LabCodec.apply(document, lab);
        for (VmMachine v : lab.vms.values()) {
            v.linkedDisks().forEach(p -> lab.images.holdReadOnly(p, true)); // linked clones read through these
        }
        return lab;
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

    // ---- extensions ----------------------------------------------------------------------------------------------

    /**
     * Refuses, changing nothing, when firmware {@code firmwareId} or one of {@code driverIds} is not available now: its
     * plugin is not loaded (disabled, removed) or is faulty. The message names the plugin.
     */
    void requireExtensions(String firmwareId, List<String> driverIds) {
        requireExtension("firmware", firmwareId, extensions.hasFirmware(firmwareId),
                extensions.firmwareSource(firmwareId));
        for (String d : driverIds) {
            requireExtension("driver", d, extensions.hasDriver(d), extensions.driverSource(d));
        }
    }

    private void requireExtension(String kind, String id, boolean present, Optional<String> source) {
        if (!present) {
            String plugin = pluginOrigins.get(kind + "/" + id);
            if (plugin != null) {
                throw LabException.notAllowed(kind + " '" + id + "' comes from plugin '" + plugin
                        + "', which is not loaded", "plugin list shows the plugins: plugin enable " + plugin
                        + ", or plugin install it");
            }
            throw LabException.notFound("no " + kind + " '" + id + "'", "profiles lists the " + kind
                    + (kind.equals("firmware") ? " models" : "s") + " there are");
        }
        if (source.isPresent() && !source.get().equals(Extensions.BUILT_IN)) {
            extensions.guard().requireHealthy(source.get());
        }
    }

    /** Notes which plugin provides the extensions a new machine uses. */
    void recordOrigins(String firmwareId, List<String> driverIds) {
        extensions.firmwareSource(firmwareId).filter(s -> !s.equals(Extensions.BUILT_IN))
                .ifPresent(p -> pluginOrigins.put("firmware/" + firmwareId, p));
        for (String d : driverIds) {
            extensions.driverSource(d).filter(s -> !s.equals(Extensions.BUILT_IN))
                    .ifPresent(p -> pluginOrigins.put("driver/" + d, p));
        }
    }

    /** The plugins whose extensions this lab's hosts and VMs use, sorted. */
    public List<String> pluginsUsed() {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        for (HostMachine h : hosts.values()) {
            java.util.Optional.ofNullable(pluginOrigins.get("firmware/" + h.firmware)).ifPresent(out::add);
        }
        for (VmMachine v : vms.values()) {
            java.util.Optional.ofNullable(pluginOrigins.get("firmware/" + v.firmware)).ifPresent(out::add);
            for (String d : v.drivers) {
                java.util.Optional.ofNullable(pluginOrigins.get("driver/" + d)).ifPresent(out::add);
            }
        }
        return List.copyOf(out);
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
        byName.put(m.name, m);
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

    // ---- hosts ---------------------------------------------------------------------------------------------------

    public void createHost(HostSpec spec) {
        String name = spec.name();
        requireFreeName(name);
        if (spec.cores() < 1 || spec.cores() > 1024) {
            throw LabException.invalid("host " + name + ": " + spec.cores() + " cores is out of range", "1 to 1024");
        }
        if (spec.ramBytes() < Sizes.GiB || spec.ramBytes() > 64 * Sizes.TiB) {
            throw LabException.invalid("host " + name + ": " + Sizes.format(spec.ramBytes()) + " of RAM is out of range",
                    "1 GiB to 64 TiB");
        }
        double ghz = spec.cpuGhz() == 0 ? Calibration.REFERENCE_CORE_GHZ : spec.cpuGhz();
        if (!(ghz >= 0.5 && ghz <= 10)) {
            throw LabException.invalid("host " + name + ": " + spec.cpuGhz() + " GHz is out of range", "0.5 to 10");
        }
        String fw = spec.firmware().isEmpty() ? "uefi" : spec.firmware();
        requireExtensions(fw, List.of());
        if (extensions.layoutName(fw).equals("direct")) {
            throw LabException.invalid("firmware '" + fw + "' is for microVMs", "hosts use bios, uefi or a plugin's");
        }
        List<HostDiskSpec> diskSpecs = spec.disks().isEmpty()
                ? List.of(new HostDiskSpec(DiskKind.NVME, DEFAULT_HOST_DISK))
                : spec.disks();
        List<HostDisk> disks = new ArrayList<>();
        for (int i = 0; i < diskSpecs.size(); i++) {
            disks.add(new HostDisk("disk" + i, diskSpecs.get(i).kind(), diskSpecs.get(i).sizeBytes()));
        }
        List<String> order = spec.bootOrder().isEmpty() ? List.of("disk", "net") : spec.bootOrder();
        for (String entry : order) {
            boolean ok = entry.equals("disk") || entry.equals("net") || entry.equals("net0")
                    || disks.stream().anyMatch(d -> d.device().equals(entry));
            if (!ok) {
                throw LabException.invalid("host " + name + ": unknown boot device '" + entry + "'",
                        "use disk, net, or disk0..disk" + (disks.size() - 1));
            }
        }
        HostMachine h = new HostMachine(env, name, spec.cores(), spec.ramBytes(), ghz, fw, disks, order);
        recordOrigins(fw, List.of());
        add(h);
        log(name, "created");
    }

    /**
     * Defines host {@code name} from a real machine's profile ({@code host create --profile}): its cores, memory and
     * clock, the default disk and firmware, and VMs of the profile's guest and firmware booting through the measured
     * phases (VmBootPlans).
     */
    public void createHost(String name, HostProfile profile) {
        double ghz = profile.cpuGhz() >= 0.5 && profile.cpuGhz() <= 10 ? profile.cpuGhz() : 0;
        createHost(new HostSpec(name, profile.cores(), Math.max(Sizes.GiB, profile.memoryBytes()), ghz, "", List.of(),
                List.of()));
        hostMachine(name).measuredBy(profile);
    }

    /**
     * Removes host {@code name} and its disks' images ({@code host delete}): it must be off, with no VM defined on it
     * (their disks and snapshots are the user's to delete, one by one).
     */
    public void deleteHost(String name) {
        HostMachine h = hostMachine(name);
        h.checkDeletable();
        if (!h.vms.isEmpty()) {
            throw LabException.conflict("host " + name + " has " + count(h.vms.size(), "VM") + ": "
                    + String.join(", ", h.vms), "delete them first: vm delete NAME");
        }
        hosts.remove(name);
        byName.remove(name);
        for (String device : h.remove()) {
            images.deleteHostDisk(name, device);
        }
        log(name, "deleted");
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
        HostMachine h = hostMachine(host);
        h.memory.update();
        int running = 0;
        double wanted = 0;
        double got = 0;
        double written = 0;
        double read = 0;
        long used = 0;
        double latencyWeight = 0;
        double latencySum = 0;
        double latencyPlain = 0;
        for (String name : h.vms) {
            VmMachine v = vmMachine(name);
            WorkloadRun.Totals t = v.totals();
            dev.hyperlab.api.lab.VmStat s = v.stat();
            wanted += t.cpuWanted();
            got += t.cpuGot();
            written += t.written();
            read += t.read();
            used += s.memoryUsed();
            if (v.work.running()) {
                running++;
                latencyPlain += s.diskLatency();
                double w = v.diskDemandNow();
                latencyWeight += w;
                latencySum += w * s.diskLatency();
            }
        }
        double latency = latencyWeight > 0 ? latencySum / latencyWeight : running > 0 ? latencyPlain / running : 0;
        double ready = wanted > 0 ? Math.max(0, Math.min(1, 1 - got / wanted)) : 0;
        return new dev.hyperlab.api.lab.HostStat(host, running, ready, latency, Math.round(written), Math.round(read),
                used);
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
        return hostMachine(host).memory.policy;
    }

    public void setMemoryPolicy(String host, dev.hyperlab.api.lab.MemoryPolicy policy) {
        MemoryManager mm = hostMachine(host).memory;
        mm.update();
        if (policy.swapBytes() < mm.swapUsed()) {
            throw LabException.notAllowed("host " + host + " has " + Sizes.format(mm.swapUsed()) + " in swap",
                    "swap space cannot shrink below what is in it");
        }
        mm.policy = policy;
        log(host, "memory-policy", "auto-balloon=" + policy.autoBalloon(), "swap=" + policy.swapBytes(),
                "page-sharing=" + policy.pageSharing());
        mm.changed();
    }

    /** Memory samples of the named machines (all when empty), ordered by time, then machine. */
    public List<dev.hyperlab.api.lab.MemorySample> memoryHistory(Collection<String> names) {
        List<dev.hyperlab.api.lab.MemorySample> out = new ArrayList<>();
        Collection<String> which = names.isEmpty() ? byNameSorted() : names;
        for (String n : which) {
            Machine m = byName.get(n);
            if (m == null) {
                throw LabException.notFound("no host or VM named '" + n + "'", "host list and vm list show them");
            }
            List<long[]> rows = m instanceof HostMachine h ? h.memory.samples() : ((VmMachine) m).account.samples();
            for (long[] r : rows) {
                out.add(new dev.hyperlab.api.lab.MemorySample(n, Duration.ofNanos(r[0]), r[1], r[2], r[3], r[4]));
            }
        }
        out.sort(Comparator.comparing(dev.hyperlab.api.lab.MemorySample::time)
                .thenComparing(dev.hyperlab.api.lab.MemorySample::machine));
        return out;
    }

    private List<String> byNameSorted() {
        List<String> all = new ArrayList<>(hosts.keySet());
        all.addAll(vms.keySet());
        return all;
    }

    public StartPolicy startPolicy(String host) {
        return hostMachine(host).policy;
    }

    public void setStartPolicy(String host, StartPolicy policy) {
        HostMachine h = hostMachine(host);
        h.policy = policy;
        log(host, "start-policy max=" + policy.maxConcurrentBoots() + " delay=" + policy.groupDelay().toNanos());
        h.starts.admit();
    }

    public List<String> vmsOn(String host) {
        return List.copyOf(hostMachine(host).vms);
    }

    // ---- VMs -----------------------------------------------------------------------------------------------------

    public void createVm(VmSpec spec) {
        createVm(spec, false);
    }

    /**
     * Defines a VM restored from a backup: as {@link #createVm(VmSpec)}, but every disk of {@code spec} is a size and
     * becomes a blank standalone image (the restore fills it), the OS profile only naming the guest, not making a disk.
     */
    void createRestoredVm(VmSpec spec) {
        createVm(spec, true);
    }

    private void createVm(VmSpec spec, boolean restored) {
        String name = spec.name();
        requireFreeName(name);
        if (spec.host().isEmpty()) {
            // as virsh on its one host: a lab of one host needs no name for it
            if (hosts.size() != 1) {
                throw LabException.invalid("VM " + name + " needs a host", hosts.isEmpty()
                        ? "the lab has none yet: host create NAME --cores N --ram SIZE"
                        : "name the one it runs on ({host}): " + String.join(", ", hosts.keySet()));
            }
            spec = spec.withHost(hosts.keySet().iterator().next());
        }
        HostMachine h = hostMachine(spec.host());
        if (!spec.workload().isEmpty()) {
            dev.hyperlab.core.model.Workloads.get(spec.workload()); // an unknown one is refused before anything exists
        }
        if (spec.vcpus() < 1) {
            throw LabException.invalid("VM " + name + ": " + spec.vcpus() + " vCPUs is out of range", "1 or more");
        }
        if (spec.vcpus() > h.cores) {
            throw LabException.insufficient("VM " + name + " has " + count(spec.vcpus(), "vCPU") + " but host "
                    + h.name + " has " + count(h.cores, "core"), "give it at most " + count(h.cores, "vCPU"));
        }
        if (spec.memoryBytes() < VmMachine.MIN_MEMORY) {
            throw LabException.invalid("VM " + name + ": " + Sizes.format(spec.memoryBytes()) + " of memory is too little",
                    "at least " + Sizes.format(VmMachine.MIN_MEMORY));
        }
        if (spec.memoryBytes() > h.ram) {
            throw LabException.insufficient("VM " + name + " needs " + Sizes.format(spec.memoryBytes())
                    + " of memory but host " + h.name + " has " + Sizes.format(h.ram), "give it less memory or a larger host");
        }
        Optional<OsProfile> os = spec.os().isEmpty() ? Optional.empty() : Optional.of(OsProfiles.get(spec.os()));
        if (os.isEmpty() && spec.disks().isEmpty()) {
            throw LabException.invalid("VM " + name + " has no disk", "give it an OS profile ({os}) or a disk ({disks})");
        }
        // validate every disk before creating any image
        List<Object> parsed = new ArrayList<>();
        for (String d : spec.disks()) {
            Object disk = parseDisk(name, d);
            if (disk instanceof String path && parsed.contains(path)) {
                throw LabException.invalid("VM " + name + " has " + path + " twice", "give each image once");
            }
            parsed.add(disk);
        }
        String fw = !spec.firmware().isEmpty() ? spec.firmware()
                : os.map(OsProfile::defaultFirmware).orElseGet(() -> firmwareFor(parsed));
        requireExtensions(fw, spec.drivers());
        String layout = extensions.layoutName(fw);
        List<VmDisk> disks = new ArrayList<>();
        if (os.isPresent() && !restored) {
            String dev = "disk0";
            disks.add(new VmDisk(dev, images.createOverlay(name, dev, os.get(), layout), os.get().imageSize(), true));
        }
        for (Object p : parsed) {
            String dev = "disk" + disks.size();
            if (p instanceof Long size) {
                disks.add(new VmDisk(dev, images.createBlank(name, dev, size), size, true));
            } else {
                String path = (String) p;
                disks.add(new VmDisk(dev, path, images.attach(path).virtualSize(), false));
            }
        }
        for (VmDisk d : disks) {
            if (!restored) { // a restored disk starts tracking once its bytes are in (LabBackups.restored)
                images.trackWrites(d.path()); // a first backup finds a dirty bitmap that has seen every write
            }
        }
        VmMachine vm = new VmMachine(env, name, h.name, spec.vcpus(), spec.memoryBytes(), fw,
                os.map(OsProfile::id).orElse(""), spec.drivers(), spec.bootPriority(), disks);
        recordOrigins(fw, spec.drivers());
        add(vm);
        log(name, "created on", h.name); // the same line, built only when a log keeps it
        if (!spec.workload().isEmpty()) {
            vm.setWorkload(spec.workload());
        }
    }

    /**
     * The firmware a VM without --os or --firmware gets: UEFI when its first attached image only UEFI can boot (a GPT
     * disk with an EFI System Partition, as Windows Setup makes), SeaBIOS otherwise, as virt-install defaults to it.
     */
    private String firmwareFor(List<Object> parsed) {
        if (!parsed.isEmpty() && parsed.getFirst() instanceof String path) {
            try {
                BootDiskProbe.Report r = BootDiskProbe.probe(images.open(path));
                if (r.uefiBootable() && !r.biosBootable()) {
                    return "uefi";
                }
            } catch (IOException e) {
                return "bios"; // an unreadable boot sector: the BIOS will say so when the VM starts
            }
        }
        return "bios";
    }

    /**
     * A size ({@code 20GiB}: a blank disk, as a Long) or the path of an image to attach (a String, made absolute: a
     * relative path resolves against the working directory, as for the {@code disk} commands).
     */
    private Object parseDisk(String vm, String text) {
        if (!text.isEmpty() && Character.isDigit(text.charAt(0)) && !text.contains("/")) {
            long size = Sizes.parse(text);
            if (size < Sizes.MiB || size > 64 * Sizes.TiB) {
                throw LabException.invalid("VM " + vm + ": disk size " + Sizes.format(size) + " is out of range",
                        "1 MiB to 64 TiB");
            }
            return size;
        }
        String path = DiskFiles.absolute(text);
        disks.requireAttachable(vm, path);
        try {
            images.attach(path); // checked in full before anything is written into it
        } catch (LabException e) {
            throw e;
        } catch (RuntimeException e) {
            throw LabException.invalid("VM " + vm + ": cannot attach '" + text + "': " + e.getMessage(),
                    "give the path of a qcow2 or raw image, or a size such as 20GiB");
        }
        return path;
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

    /**
     * Starts several VMs as one request, as a boot storm or a host's autostart does: every start is checked first
     * (one refusal refuses all, nothing changed), then all are queued, then each host's start policy admits them,
     * so priority groups order the whole batch. A VM its host then has no memory for is refused with a reason.
     */
    public void startVms(java.util.Collection<String> names) {
        List<VmMachine> batch = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String n : names) {
            if (seen.add(n)) {
                VmMachine vm = vmMachine(n);
                vm.checkStartable();
                batch.add(vm);
            }
        }
        java.util.LinkedHashSet<HostMachine> hostsTouched = new java.util.LinkedHashSet<>();
        for (VmMachine vm : batch) {
            vm.request();
            hostsTouched.add(vm.hostMachine());
        }
        for (HostMachine h : hostsTouched) {
            h.starts.admit();
        }
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

    public void deleteVm(String name) {
        VmMachine vm = vmMachine(name);
        vm.lifecycle.check(VmLifecycle.Action.DELETE);
        vm.requireNoLinkedClones("deleting it");
        vm.stopPlan();
        removeVm(vm);
        for (VmDisk d : vm.disks) {
            if (d.owned()) {
                images.delete(d.path());
            }
        }
        for (String base : vm.linkedDisks()) {
            if (vms.values().stream().noneMatch(v -> v.linkedDisks().contains(base))) {
                images.holdReadOnly(base, false); // its last linked clone is gone: its VM may write it again
            }
        }
        log(name, "deleted");
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

    /** Changes VM {@code name}'s definition ({@code vm set}, {@link VmChanges}); returns the VM as it is after. */
    public VmInfo setVm(String name, dev.hyperlab.api.lab.VmChange change) {
        return VmChanges.apply(this, name, change).info();
    }

    /**
     * {@code host preload HOST --os PROFILE}: the host's datastore reads the profile's boot blocks once, sequentially
     * (as a clone's copy reads: calibration host.preload_s), and its read cache holds them from then on.
     */
    public Duration preloadHost(String name, String os, ProgressListener progress) {
        HostMachine h = hostMachine(name);
        if (h.state() != dev.hyperlab.api.lab.HostState.RUNNING || h.hypervisor == null) {
            throw LabException.notAllowed("host " + name + " is " + h.state().id()
                    + (h.hypervisor == null ? " with no hypervisor" : ""), "its cache is its hypervisor's RAM: "
                    + (h.hypervisor == null ? "host install " + name + ", then " : "") + "host power-on " + name);
        }
        dev.hyperlab.core.model.OsProfile profile = dev.hyperlab.core.model.OsProfiles.get(os);
        long bytes = h.coldBootBytes(profile);
        Duration took = VmClones.readTime(h.datastoreModel(), bytes);
        h.warmBootBlocks(profile);
        log(name, "preload", os, dev.hyperlab.api.lab.Sizes.format(bytes), "in " + took.toMillis() + "ms");
        advance(took, progress);
        return took;
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
        byName.remove(vm.name);
    }

    /** Renames stopped VM {@code name} ({@code vm rename}, {@link VmRenames}). */
    public VmInfo renameVm(String name, String newName) {
        return VmRenames.rename(this, name, newName).info();
    }

    /** Puts {@code vm} in the place of the VM of the same name (a revert brings back the snapshot's VM). */
    void replaceVm(VmMachine vm) {
        VmMachine old = vmMachine(vm.name);
        if (old.held > 0 || old.hostMachine().starts.queue.contains(old)) {
            throw new IllegalStateException("VM " + vm.name + " still holds host resources");
        }
        vms.put(vm.name, vm);
        byName.put(vm.name, vm);
    }

    // ---- snapshots (docs/snapshots.md) ---------------------------------------------------------------------------

    public List<dev.hyperlab.api.lab.SnapshotInfo> snapshots(String vm) {
        return snapshots.list(vm);
    }

    public dev.hyperlab.api.lab.SnapshotInfo snapshot(String vm, String name) {
        return snapshots.info(vm, name);
    }

    /**
     * Takes snapshot {@code name} of {@code vm}. {@code checkpoint} saves the lab: it is called once everything is
     * checked and before the first image changes, so a process killed after it is recovered on load.
     */
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

    /**
     * For a backup of a running VM: snapshot {@code name} of every disk of {@code vm} at once (all or none), disk only,
     * outside the tree. Read it with {@link #diskAtSnapshot}, drop it with {@link #dropDiskSnapshots} (in the same
     * facade call). {@code checkpoint} saves the lab first, so a process killed before the drop leaves no snapshot
     * once the lab is loaded again.
     */
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
                Machine m = byName.get(t.machine());
                if (m != null && m.run == t.run() && m.current != null) {
                    m.current.partDone(t.part());
                }
            }
            case MemoryTick t -> {
                HostMachine h = hosts.get(t.host());
                if (h != null && h.memory.tickAt() == sim.now()) {
                    h.memory.tick();
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

    /** The disk budget in bytes now (for {@code auto}, half of what is free), or empty for a lab kept in memory. */
    public OptionalLong diskBudgetBytes() {
        OptionalLong free = images.freeSpace();
        return free.isPresent() ? OptionalLong.of(diskBudget.limit(free.getAsLong())) : OptionalLong.empty();
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

    public void waitHost(String name, HostState state, Duration timeout, ProgressListener progress) {
        HostMachine h = hostMachine(name);
        long deadline = Math.addExact(sim.now(), timeout.toNanos());
        // a host with no boot under way stays as it is until someone asks for something
        BooleanSupplier settled = () -> h.state() == state || !h.busy()
                || (state != HostState.FAILED && h.state() == HostState.FAILED);
        boolean reached = runUntil(deadline, settled, false, progress) && h.state() == state;
        if (reached) {
            return;
        }
        if (h.state() == HostState.FAILED) {
            throw hostFailed(h);
        }
        if (sim.now() >= deadline) {
            throw timedOut(timeout, "host " + name + " is " + h.state().id());
        }
        throw LabException.notAllowed("host " + name + " is " + h.state().id() + " and will not become " + state.id(),
                h.state() == HostState.OFF && state != HostState.OFF ? "power it on: host power-on " + name
                        : state == HostState.OFF ? "nothing is powering it off: host power-off " + name + " does"
                        : "nothing scheduled will make it " + state.id());
    }

    public void waitVm(String name, VmState state, Duration timeout, ProgressListener progress) {
        VmMachine v = vmMachine(name);
        long deadline = Math.addExact(sim.now(), timeout.toNanos());
        // a VM with no work under way (not queued to start either) stays as it is until someone asks for something
        BooleanSupplier settled = () -> v.state() == state
                || (state != VmState.CRASHED && v.state() == VmState.CRASHED)
                || (state != VmState.CRASHED && v.state() != VmState.STARTING && !v.busy());
        boolean reached = runUntil(deadline, settled, false, progress) && v.state() == state;
        if (reached) {
            return;
        }
        if (v.state() == VmState.CRASHED && state != VmState.CRASHED) {
            throw vmCrashed(v);
        }
        if (sim.now() >= deadline) {
            throw timedOut(timeout, "VM " + name + " is " + v.state().id()
                    + (v.busy() ? ", " + v.planKind.doing() : ""));
        }
        throw LabException.notAllowed("VM " + name + " is " + v.state().id() + " and will not become " + state.id()
                + (v.reason.isEmpty() ? "" : ": " + v.reason), requestFor(v, state));
    }

    /** What to ask of {@code v} for it to reach {@code wanted}: the hint of a wait that nothing will end. */
    private static String requestFor(VmMachine v, VmState wanted) {
        return switch (wanted) {
            case RUNNING -> v.state() == VmState.SUSPENDED ? "resume it: vm resume " + v.name
                    : "start it: vm start " + v.name;
            case SHUTOFF -> "nothing is stopping it: vm shutdown " + v.name + " asks the guest to";
            case SUSPENDED -> "nothing is suspending it: vm suspend " + v.name + " does";
            default -> "nothing scheduled will make it " + wanted.id();
        };
    }

    /**
     * Makes {@code request} of VM {@code name}, then, as {@code wait} says, runs the simulation until the lasting work
     * it started is over (a reboot, shutdown, suspend, resume, a snapshot's pause, a revert's load), at most the wait's
     * timeout; returns at once when it started none. Throws TIMEOUT when the work is not over in time (it goes on),
     * NOT_ALLOWED when the VM crashed on the way.
     */
    public void requestVm(String name, Wait wait, ProgressListener progress, Runnable request) {
        VmMachine before = vmMachine(name);
        long runBefore = before.run;
        request.run();
        VmMachine v = vms.get(name);
        // a new plan bumps the run; a revert puts a new machine in the VM's place
        if (!wait.waits() || v == null || (v == before && v.run == runBefore) || v.planKind == null) {
            return;
        }
        PlanKind kind = v.planKind;
        long run = v.run;
        Duration timeout = wait.timeout();
        long deadline = Math.addExact(sim.now(), timeout.toNanos());
        // a revert puts a new machine in the VM's place; the work is over when this plan is no longer its plan
        BooleanSupplier over = () -> vms.get(name) != v || v.run != run || v.planKind != kind;
        if (!runUntil(deadline, over, false, progress)) {
            throw sim.now() >= deadline
                    ? timedOut(timeout, "VM " + name + " is still " + kind.doing())
                    : new IllegalStateException("VM " + name + " is " + kind.doing() + " with nothing scheduled");
        }
        VmMachine now = vms.get(name);
        if (now != null && now.state() == VmState.CRASHED) {
            throw vmCrashed(now);
        }
    }

    /**
     * {@link #requestVm} for a host: the work a power-on or a reset starts is its boot; it failed if the host does not
     * run when it is over.
     */
    public void requestHost(String name, Wait wait, ProgressListener progress, Runnable request) {
        HostMachine h = hostMachine(name);
        request.run();
        if (!wait.waits() || h.planKind == null) {
            return;
        }
        long run = h.run;
        Duration timeout = wait.timeout();
        long deadline = Math.addExact(sim.now(), timeout.toNanos());
        if (!runUntil(deadline, () -> h.run != run || h.planKind == null, false, progress)) {
            throw sim.now() >= deadline ? timedOut(timeout, "host " + name + " is still booting")
                    : new IllegalStateException("host " + name + " boots with nothing scheduled");
        }
        if (h.state() == HostState.FAILED) {
            throw hostFailed(h);
        }
    }

    private static LabException timedOut(Duration timeout, String where) {
        return new LabException(LabException.Kind.TIMEOUT, "timed out after "
                + dev.hyperlab.api.lab.Durations.format(timeout) + ": " + where,
                "it goes on; a longer {timeout} waits for it");
    }

    private static LabException vmCrashed(VmMachine v) {
        return LabException.notAllowed("VM " + v.name + " crashed: " + v.reason, "see vm info " + v.name);
    }

    private static LabException hostFailed(HostMachine h) {
        return LabException.notAllowed("host " + h.name + " failed: " + h.reason, "see timeline " + h.name);
    }

    // ---- timeline ------------------------------------------------------------------------------------------------

    public List<TimelinePhase> timeline(Collection<String> names) {
        List<Machine> machines = new ArrayList<>();
        if (names.isEmpty()) {
            machines.addAll(hosts.values());
            machines.addAll(vms.values());
        } else {
            for (String n : names) {
                Machine m = byName.get(n);
                if (m == null) {
                    throw LabException.notFound("no host or VM named '" + n + "'", "host list and vm list show them");
                }
                machines.add(m);
            }
        }
        List<TimelinePhase> out = new ArrayList<>();
        for (Machine m : machines) {
            for (PhaseRecord r : m.timeline) {
                // a phase still under way shows the bound it is under now, not its last part's
                BoundBy bound = r.end < 0 && m.current != null && m.current.record == r ? m.current.boundNow()
                        : r.boundBy;
                out.add(new TimelinePhase(m.name, r.phase, r.step, Duration.ofNanos(r.start),
                        r.end < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(r.end)), bound));
            }
        }
        out.sort(Comparator.comparing(TimelinePhase::start).thenComparing(TimelinePhase::machine));
        return out;
    }
    /** The lab as its machines see it: the few operations they need, by delegation. */
    private final class Env implements MachineEnv {
        @Override
        public Simulation sim() {
            return sim;
        }

        @Override
        public long seed() {
            return LabModel.this.seed();
        }

        @Override
        public boolean logging() {
            return LabModel.this.logging();
        }

        @Override
        public void log(String machine, String... words) {
            LabModel.this.log(machine, words);
        }

        @Override
        public Extensions extensions() {
            return extensions;
        }

        @Override
        public dev.hyperlab.core.engine.machine.BootSearchMemo bootSearches() {
            return bootSearches;
        }

        @Override
        public void requireExtensions(String firmwareId, List<String> driverIds) {
            LabModel.this.requireExtensions(firmwareId, driverIds);
        }

        @Override
        public ImageStore images() {
            return images;
        }

        @Override
        public long nextRequest() {
            return LabModel.this.nextRequest();
        }

        @Override
        public String diskOwner(String path) {
            for (VmMachine v : vms.values()) {
                for (dev.hyperlab.core.engine.machine.VmDisk d : v.disks) {
                    if (d.path().equals(path)) {
                        return v.name;
                    }
                }
            }
            return "";
        }

        @Override
        public List<String> linkedClonesOf(VmMachine vm) {
            java.util.Set<String> paths = new java.util.HashSet<>();
            vm.disks.forEach(d -> paths.add(d.path()));
            List<String> out = new ArrayList<>();
            for (VmMachine v : vms.values()) { // sorted by name
                if (v.linkedDisks().stream().anyMatch(paths::contains)) {
                    out.add(v.name);
                }
            }
            return out;
        }

        @Override
        public HostMachine hostMachine(String name) {
            return LabModel.this.hostMachine(name);
        }

        @Override
        public VmMachine vmMachine(String name) {
            return LabModel.this.vmMachine(name);
        }

        @Override
        public void guestStepDone(VmMachine vm, PlannedStep step) {
            guestIo.stepDone(vm, step);
        }
    }
}
