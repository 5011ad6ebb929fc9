package dev.hyperlab.core.engine;

import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import dev.hyperlab.core.firmware.BootMarker;
import dev.hyperlab.core.model.DriverFallback;
import dev.hyperlab.core.model.OsProfile;
import dev.hyperlab.core.model.OsProfiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * How a VM boots: the VMM starts and allocates the VM, the virtual firmware initialises and searches the VM's disks
 * (reading the real image bytes), the boot loader found there loads its OS, whose kernel starts, guest drivers load
 * (or a device falls back to emulation, or the boot stops where the OS cannot go on), then init.
 */
final class VmBootPlans {
    private VmBootPlans() {}

    /** The VM's own profile, or linux-server's VMM figures for a VM without one (a QEMU VM all the same). */
    static OsProfile profileOrDefault(VmMachine vm) {
        return OsProfiles.get(vm.os.isEmpty() ? "linux-server" : vm.os);
    }

    /** Drivers present in the guest: the OS's inbox drivers and those installed, sorted. */
    static List<String> driversPresent(VmMachine vm) {
        TreeSet<String> all = new TreeSet<>(vm.drivers);
        if (!vm.os.isEmpty()) {
            all.addAll(OsProfiles.get(vm.os).inboxDrivers());
        }
        return List.copyOf(all);
    }

    /**
     * The plan of a boot. {@code cold}: a start from off (the VMM starts first); otherwise a guest reboot, which
     * starts over at the firmware in the same VMM.
     */
    static List<PlannedStep> plan(VmMachine vm, boolean cold) {
        List<PlannedStep> steps = new ArrayList<>();
        if (cold) {
            steps.add(PlannedStep.of("vmm", "start", profileOrDefault(vm).vmmStart()));
        }
        HostMachine host = vm.hostMachine();
        LabModel lab = vm.lab;
        MachineFacts facts = new MachineFacts(vm.name, true, vm.vcpus, host.ghz, vm.memory, vm.disks.size(), 1,
                lab.random("vm/" + vm.name + "/firmware/" + vm.run));
        FirmwareModel fw = lab.extensions().firmware(vm.firmware);
        for (BootStep s : fw.post(facts)) {
            steps.add(PlannedStep.of("firmware", s.name(), s.demand()));
        }
        List<ImageBootDevice> devices = new ArrayList<>();
        for (VmDisk d : vm.disks) {
            devices.add(new ImageBootDevice(d.device(), lab.images().open(d.path())));
        }
        if (!vm.firmware.equals("direct")) {
            devices.add(ImageBootDevice.net("net0"));
        }
        BootOutcome outcome = fw.searchBoot(new BootDevices(facts, List.copyOf(devices)));
        for (BootStep s : outcome.steps()) {
            steps.add(PlannedStep.of("firmware", s.name(), s.demand()));
        }
        if (outcome instanceof BootOutcome.NotFound nf) {
            steps.add(PlannedStep.fail("firmware", nf.message()));
            return steps;
        }
        BootOutcome.Found found = (BootOutcome.Found) outcome;
        ImageBootDevice dev = devices.stream().filter(d -> d.name().equals(found.device())).findFirst()
                .orElseThrow(() -> new IllegalStateException("firmware booted unknown device " + found.device()));
        Optional<OsProfile> profile = identify(dev.loaderBytes(found.loader()), vm);
        if (profile.isEmpty()) {
            steps.add(PlannedStep.fail("bootloader", "the boot loader on " + found.device()
                    + " loads no OS profile hyperlab knows (create the VM with --os PROFILE)"));
            return steps;
        }
        OsProfile os = profile.get();
        if (!fw.id().equals("direct")) {
            steps.add(PlannedStep.of("bootloader", "", os.bootloader()).withBaseReads());
        }
        steps.add(PlannedStep.of("kernel", "", os.kernel()).withBaseReads());
        double blockEfficiency = 1.0;
        GuestContext guest = new Guest(vm.name, os.id(), os.family(), vm.vcpus, vm.memory,
                lab.random("vm/" + vm.name + "/drivers/" + vm.run));
        List<String> present = driversPresent(vm);
        for (DeviceClass device : List.of(DeviceClass.BLOCK, DeviceClass.NET)) {
            Optional<GuestDriver> driver = present.stream().map(id -> lab.extensions().driver(id))
                    .filter(d -> d.deviceClass() == device).findFirst();
            if (driver.isPresent()) {
                steps.add(PlannedStep.of("drivers", driver.get().id(), driver.get().load(guest)));
                if (device == DeviceClass.BLOCK) {
                    blockEfficiency = driver.get().effect().ioThroughputFactor();
                }
                continue;
            }
            DriverFallback fallback = os.fallback(device);
            if (fallback.fails()) {
                steps.add(PlannedStep.fail("drivers", fallback.message()));
                return steps;
            }
            // the device runs on emulated hardware (IDE/AHCI for disks): slower, but the guest boots
            steps.add(PlannedStep.of("drivers", "emulated-" + device.id(), Demand.NONE));
            if (device == DeviceClass.BLOCK) {
                blockEfficiency = fallback.efficiency();
            }
        }
        for (String id : present) {
            GuestDriver d = lab.extensions().driver(id);
            if (d.deviceClass() != DeviceClass.BLOCK && d.deviceClass() != DeviceClass.NET) {
                steps.add(PlannedStep.of("drivers", d.id(), d.load(guest)));
            }
        }
        steps.add(PlannedStep.of("init", "", os.init()).withBaseReads().withIoEfficiency(blockEfficiency));
        return steps;
    }

    record Guest(String name, String osProfile, String osFamily, int vcpus, long memoryBytes,
            SplittableRandom random) implements GuestContext {}

    /** The OS the boot loader says it loads; a foreign loader boots the VM's configured profile, if any. */
    static Optional<OsProfile> identify(byte[] loader, VmMachine vm) {
        Optional<String> tag = BootMarker.read(loader);
        if (tag.isPresent() && tag.get().startsWith("os=")) {
            String id = tag.get().substring(3);
            return OsProfiles.all().stream().filter(p -> p.id().equals(id)).findFirst();
        }
        return vm.os.isEmpty() ? Optional.empty() : Optional.of(OsProfiles.get(vm.os));
    }
}
