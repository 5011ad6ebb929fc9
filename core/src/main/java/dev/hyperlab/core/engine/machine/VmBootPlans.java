package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.spi.BootLayout;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import dev.hyperlab.core.firmware.BootMarker;
import dev.hyperlab.core.guard.ExtensionFault;
import dev.hyperlab.core.calibration.Calibration;
import dev.hyperlab.core.calibration.Demands;
import dev.hyperlab.core.calibration.DriverFallback;
import dev.hyperlab.core.calibration.HostProfile;
import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.calibration.OsProfiles;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * How a VM boots: the VMM starts and allocates the VM, the virtual firmware initialises and searches the VM's disks
 * (reading the real image bytes), the boot loader found there loads its OS, whose kernel starts, guest drivers load
 * (or a device falls back to emulation, or the boot stops where the OS cannot go on), then init.
 */
final class VmBootPlans {
    private VmBootPlans() {}

    /**
     * The plan of a boot. {@code cold}: a start from off (the VMM starts first); otherwise a guest reboot, which
     * starts over at the firmware in the same VMM.
     */
    static List<PlannedStep> plan(VmMachine vm, boolean cold) {
        List<PlannedStep> steps = new ArrayList<>();
        if (cold) {
            steps.add(vmmStart(vm.profileOrDefault()));
        }
        String[] phase = {"firmware"};
        OsProfile os = null;
        try {
            os = planFromFirmware(vm, steps, phase);
        } catch (ExtensionFault fault) {
            // a plugin's extension failed (threw, hung, answered nonsense): the boot stops there, naming the plugin
            steps.add(PlannedStep.fail(phase[0], fault.what()));
        }
        HostProfile measured = vm.hostMachine().profile();
        if (os != null && measured != null && measured.measures(os.id(), vm.firmware)
                && steps.stream().allMatch(st -> st.failure().isEmpty())) {
            return measuredPlan(vm, measured, cold);
        }
        return steps;
    }

    /** The VMM's start of a profile's cold boot, made once for a run of VMs of one profile (steps never change). */
    private static PlannedStep vmmStart(OsProfile profile) {
        VmmStart last = lastVmmStart;
        if (last == null || last.profile() != profile) {
            last = new VmmStart(profile, PlannedStep.of("vmm", "start", profile.vmmStart()));
            lastVmmStart = last;
        }
        return last.step();
    }

    private record VmmStart(OsProfile profile, PlannedStep step) {}

    /** The {@link #vmmStart} made last: a storm's 100,000 cold boots made one each (11 MB of its garbage). */
    private static volatile VmmStart lastVmmStart;

    /**
     * The boot of a VM on a host made from a real machine's profile, whose guest and firmware the profile measured:
     * the real boot's phases, each as long alone as it was there. The boot search above still ran (a disk that does not
     * boot fails as anywhere else); only the lengths are the real machine's. Under TCG every phase but QEMU's own start
     * is the guest's code running on one host core, so each is CPU work: what the phase took, less this host's
     * hypervisor tax, which {@link VmMachine#cpuWork} adds back; booting more at once then shares the cores as any
     * other VMs' work does.
     */
    private static List<PlannedStep> measuredPlan(VmMachine vm, HostProfile measured, boolean cold) {
        HostMachine host = vm.hostMachine();
        List<PlannedStep> steps = new ArrayList<>();
        for (HostProfile.Phase p : measured.solo()) {
            if (p.fixed()) {
                if (cold) {
                    steps.add(PlannedStep.of(p.phase(), p.step(), Demand.fixed(Duration.ofNanos(
                            Math.round(p.seconds() * 1e9)))));
                }
                continue;
            }
            if (!cold && p.phase().equals("vmm")) {
                continue; // a reboot starts over at the firmware in the same VMM
            }
            steps.add(PlannedStep.of(p.phase(), p.step(), Demand.cpu(p.seconds() * host.ghz / (1 + host.cpuTax()), 1)));
        }
        if (!steps.isEmpty()) {
            steps.set(steps.size() - 1, steps.getLast().touchingMemory()); // the guest is up: it uses its memory
        }
        return steps;
    }

    /**
     * The boot from the firmware on; {@code phase[0]} says which phase is being planned, for a plugin's fault. The OS
     * profile the boot reaches, or null where it stops before one.
     */
    private static OsProfile planFromFirmware(VmMachine vm, List<PlannedStep> steps, String[] phase) {
        MachineEnv env = vm.env;
        BootSearchMemo.Key key = memoKey(vm, env);
        BootSearchMemo.PlanKey planKey = null;
        if (key != null) {
            planKey = new BootSearchMemo.PlanKey(key, vm.os, vm.driversPresent(), vm.memory);
            BootSearchMemo.Plan known = env.bootSearches().plan(planKey);
            if (known != null) {
                List<PlannedStep> remembered = known.steps();
                for (int i = 0; i < remembered.size(); i++) { // not addAll: its toArray copy was one more array per VM
                    steps.add(remembered.get(i));
                }
                return known.os();
            }
        }
        int from = steps.size();
        OsProfile os = planAfresh(vm, steps, phase, key);
        if (os != null && planKey != null && builtInDrivers(vm, env)) {
            env.bootSearches().putPlan(planKey, new BootSearchMemo.Plan(List.copyOf(steps.subList(from, steps.size())),
                    os));
        }
        return os;
    }

    /** Whether every driver in the guest is a built-in one, whose load depends on the OS profile alone. */
    private static boolean builtInDrivers(VmMachine vm, MachineEnv env) {
        for (String id : vm.driversPresent()) {
            if (!env.extensions().builtInDriver(id)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #planFromFirmware} for a VM whose plan is not remembered; {@code key}: where its boot search is
     * remembered, or null.
     */
    private static OsProfile planAfresh(VmMachine vm, List<PlannedStep> steps, String[] phase, BootSearchMemo.Key key) {
        HostMachine host = vm.hostMachine();
        MachineEnv env = vm.env;
        MachineFacts facts = new MachineFacts(vm.name, true, vm.vcpus, host.ghz, vm.memory, vm.disks.size(), 1,
                env.seed(), "vm/" + vm.name + "/firmware/" + vm.run(), vm.enrolledKeys.publicKeys());
        FirmwareModel fw = env.extensions().firmware(vm.firmware);
        for (BootStep s : fw.post(facts)) {
            steps.add(PlannedStep.of("firmware", s.name(), s.demand()));
        }
        List<ImageBootDevice> devices = new ArrayList<>();
        for (VmDisk d : vm.disks) {
            devices.add(new ImageBootDevice(d.device(), env.images().open(d.path())));
        }
        boolean direct = fw.bootLayout() == BootLayout.ROOT_FS; // the VMM loads the kernel: no boot loader, no PXE
        if (!direct) {
            devices.add(ImageBootDevice.net("net0"));
        }
        BootSearchMemo.Found memo = key == null ? null : env.bootSearches().get(key);
        BootOutcome outcome;
        if (memo != null) {
            outcome = memo.outcome();
        } else {
            try {
                outcome = fw.searchBoot(new BootDevices(facts, List.copyOf(devices)));
            } catch (UncheckedIOException e) {
                // a firmware model (a plugin's) that let a disk's read error through: the boot stops at it
                steps.add(PlannedStep.fail("firmware", "the firmware could not read the boot disk (" + e.getMessage()
                        + ")"));
                return null;
            }
        }
        for (BootStep s : outcome.steps()) {
            steps.add(PlannedStep.of("firmware", s.name(), s.demand()));
        }
        if (outcome instanceof BootOutcome.NotFound nf) {
            if (key != null) {
                env.bootSearches().put(key, new BootSearchMemo.Found(outcome, null));
            }
            steps.add(PlannedStep.fail("firmware", nf.message()));
            return null;
        }
        BootOutcome.Found found = (BootOutcome.Found) outcome;
        byte[] loader;
        if (memo != null) {
            loader = memo.loader();
        } else {
            ImageBootDevice dev = ImageBootDevice.named(devices, found.device());
            try {
                loader = dev.loaderBytes(found.loader());
            } catch (UncheckedIOException e) {
                steps.add(PlannedStep.fail("bootloader", "the boot loader on " + found.device() + " cannot be read ("
                        + e.getMessage() + ")"));
                return null;
            }
            if (key != null) {
                env.bootSearches().put(key, new BootSearchMemo.Found(outcome, loader));
            }
        }
        OsProfile os = identify(loader, vm);
        if (os == null) {
            steps.add(PlannedStep.fail("bootloader", "the boot loader on " + found.device()
                    + " loads no OS profile hyperlab knows (give the VM an OS profile when creating it)"));
            return null;
        }
        phase[0] = "drivers";
        String[] keys = cacheKeys(os);
        if (!direct) {
            steps.add(PlannedStep.fromBase("bootloader", os.bootloader(), keys[0], 1.0));
        }
        steps.add(PlannedStep.fromBase("kernel", os.kernel(), keys[1], 1.0));
        double blockEfficiency = 1.0;
        GuestContext guest = new Guest(vm.name, os.id(), os.family(), vm.vcpus, vm.memory, env.seed(), vm.run());
        List<GuestDriver> present = new ArrayList<>();
        for (String id : vm.driversPresent()) {
            present.add(env.extensions().driver(id));
        }
        for (DeviceClass device : PARAVIRTUAL) {
            GuestDriver driver = null;
            for (GuestDriver d : present) {
                if (d.deviceClass() == device) {
                    driver = d;
                    break;
                }
            }
            if (driver != null) {
                steps.add(PlannedStep.of("drivers", driver.id(), driver.load(guest)));
                if (device == DeviceClass.BLOCK) {
                    blockEfficiency = driver.effect().ioThroughputFactor();
                }
                continue;
            }
            DriverFallback fallback = os.fallback(device);
            if (fallback.fails()) {
                steps.add(PlannedStep.fail("drivers", fallback.message()));
                return null;
            }
            // the device runs on emulated hardware (IDE/AHCI for disks): slower, but the guest boots; the OS's inbox
            // driver for the emulated controller probes its PCI device as a virtio driver does (drv.pci_probe_s)
            Demand probe = os.directKernelBoot() ? Demand.NONE : Demands.referenceCpu(Calibration.PCI_DRIVER_PROBE_S);
            steps.add(PlannedStep.of("drivers", "emulated-" + device.id(), probe));
            if (device == DeviceClass.BLOCK) {
                blockEfficiency = fallback.efficiency();
            }
        }
        for (GuestDriver d : present) {
            if (d.deviceClass() != DeviceClass.BLOCK && d.deviceClass() != DeviceClass.NET) {
                steps.add(PlannedStep.of("drivers", d.id(), d.load(guest)));
            }
        }
        if (os.zeroesMemoryAtBoot()) {
            // the guest zeroes all its memory early in boot, one vCPU at the measured rate; the host must back every
            // page it touches before the guest goes on (docs: mem.guest.windows.boot_zero_gib_per_vcpu_s)
            double seconds = vm.memory / Calibration.WINDOWS_ZERO_BPS_PER_VCPU;
            steps.add(PlannedStep.of("init", "zero-memory", Demands.referenceCpu(seconds))
                    .touchingMemory());
            steps.add(PlannedStep.fromBase("init", os.init(), keys[2], blockEfficiency));
        } else {
            steps.add(PlannedStep.fromBase("init", os.init(), keys[2], blockEfficiency).touchingMemory());
        }
        return os;
    }

    /**
     * The key under which this VM's boot search is remembered, or null when it must search itself: its firmware is a
     * plugin's, or one of its disks is not an unwritten copy of a base image.
     */
    private static BootSearchMemo.Key memoKey(VmMachine vm, MachineEnv env) {
        if (!env.extensions().builtInFirmware(vm.firmware)) {
            return null;
        }
        List<Object> disks = new ArrayList<>(2 * vm.disks.size());
        for (VmDisk d : vm.disks) {
            Object content = env.images().sharedContent(d.path());
            if (content == null) {
                return null;
            }
            disks.add(d.device());
            disks.add(content);
        }
        return new BootSearchMemo.Key(vm.firmware, disks);
    }

    private static final List<DeviceClass> PARAVIRTUAL = List.of(DeviceClass.BLOCK, DeviceClass.NET);
    private static final java.util.concurrent.ConcurrentHashMap<String, String[]> CACHE_KEYS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** {@link #cacheKeys} for the host's preload: the keys its read cache holds a profile's boot blocks under. */
    static String[] cacheKeysOf(OsProfile os) {
        return cacheKeys(os).clone();
    }

    /** The base-cache keys of a profile's bootloader, kernel and init phases (made once per profile). */
    private static String[] cacheKeys(OsProfile os) {
        return CACHE_KEYS.computeIfAbsent(os.id(),
                id -> new String[] {id + "/bootloader", id + "/kernel", id + "/init"});
    }

    /**
     * What a driver sees of the guest. Its random stream is made on first use: most drivers never draw, and a storm of
     * 100,000 boots should not pay for 100,000 streams nobody reads.
     */
    static final class Guest implements GuestContext {
        private final String name;
        private final String osProfile;
        private final String osFamily;
        private final int vcpus;
        private final long memoryBytes;
        private final long seed;
        private final long run;
        private SplittableRandom random;

        Guest(String name, String osProfile, String osFamily, int vcpus, long memoryBytes, long seed, long run) {
            this.name = name;
            this.osProfile = osProfile;
            this.osFamily = osFamily;
            this.vcpus = vcpus;
            this.memoryBytes = memoryBytes;
            this.seed = seed;
            this.run = run;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String osProfile() {
            return osProfile;
        }

        @Override
        public String osFamily() {
            return osFamily;
        }

        @Override
        public int vcpus() {
            return vcpus;
        }

        @Override
        public long memoryBytes() {
            return memoryBytes;
        }

        @Override
        public SplittableRandom random() {
            if (random == null) {
                random = new dev.hyperlab.core.sim.RandomStreams(seed).stream("vm/" + name + "/drivers/" + run);
            }
            return random;
        }
    }

    /** The OS the boot loader says it loads; a foreign loader boots the VM's configured profile, or nothing. */
    static OsProfile identify(byte[] loader, VmMachine vm) {
        Optional<String> tag = BootMarker.read(loader);
        if (tag.isPresent() && tag.get().startsWith("os=")) {
            String id = tag.get().substring(3);
            return OsProfiles.find(id).orElse(null);
        }
        return vm.os.isEmpty() ? null : vm.profileOrDefault();
    }
}
