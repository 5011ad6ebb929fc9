package dev.hyperlab.core.engine.machine;

import static dev.hyperlab.core.calibration.Calibration.*;
import static dev.hyperlab.core.calibration.Demands.referenceCpu;
import static dev.hyperlab.core.calibration.Demands.seconds;
import static dev.hyperlab.core.calibration.Demands.sequentialOps;

import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.core.firmware.BootMarker;
import dev.hyperlab.core.guard.ExtensionFault;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a host boots: its firmware's POST and boot-device search (through the spi), then what the boot loader it finds
 * loads. A type 1 hypervisor (modelled on Proxmox VE: Debian with KVM) is the OS: boot loader, kernel, hypervisor. A
 * type 2 hypervisor waits for a whole host OS first: boot loader, kernel, host-os, hypervisor.
 */
final class HostBootPlans {
    private HostBootPlans() {}

    /** The boot loader tag {@code host install} writes. */
    static String tag(HypervisorType type, HostOs os) {
        return type == HypervisorType.TYPE1 ? "host=type1" : "host=type2-" + os.id();
    }

    static List<PlannedStep> plan(HostMachine host) {
        BootSearchMemo.HostKey key = memoKey(host);
        if (key != null) {
            List<PlannedStep> known = host.env.bootSearches().hostPlan(key);
            if (known != null) {
                return known; // immutable, and a machine never changes its plan: shared by the hosts that boot alike
            }
        }
        List<PlannedStep> steps = new ArrayList<>();
        try {
            if (planFirmware(host, steps) && key != null) {
                host.env.bootSearches().putHostPlan(key, List.copyOf(steps));
            }
        } catch (ExtensionFault fault) {
            // a plugin's firmware failed (threw, hung, answered nonsense): the host fails, naming the plugin
            steps.add(PlannedStep.fail(steps.isEmpty() ? "post" : "boot-search", fault.what()));
        }
        return steps;
    }

    /** The firmware's POST steps alone: what a boot into an imaging environment starts with. */
    static List<Demand> post(HostMachine host) {
        return host.env.extensions().firmware(host.firmware).post(facts(host)).stream().map(BootStep::demand).toList();
    }

    private static MachineFacts facts(HostMachine host) {
        return new MachineFacts(host.name, false, host.cores, host.ghz, host.ram, host.disks.size(),
                HostMachine.NICS, host.env.seed(), "host/" + host.name + "/firmware/" + host.run(),
                host.enrolledKeys.publicKeys());
    }

    /**
     * Where this host's boot plan may be remembered (see {@link BootSearchMemo.HostKey}), or null: a plugin's firmware,
     * or a boot-order disk that is not exactly an installed boot loader.
     */
    private static BootSearchMemo.HostKey memoKey(HostMachine host) {
        if (!host.env.extensions().builtInFirmware(host.firmware)) {
            return null;
        }
        List<Object> order = new ArrayList<>(2 * host.bootOrder.size());
        for (int i = 0; i < host.bootOrder.size(); i++) { // by index: no iterator per host
            String device = device(host.bootOrder.get(i));
            order.add(device);
            if (device.startsWith("net")) {
                continue;
            }
            for (int j = 0; j < host.disks.size(); j++) {
                if (host.disks.get(j).device().equals(device)) {
                    Object content = host.env.images().hostDiskContent(host.name, device);
                    if (content == null) {
                        return null;
                    }
                    order.add(content);
                }
            }
        }
        return new BootSearchMemo.HostKey(host.firmware, host.cores, host.ghz, host.ram, host.disks.size(),
                HostMachine.NICS, host.enrolledKeys.publicKeys(), order);
    }

    /**
     * Plans the boot from the POST on into {@code steps}; whether the plan depends on the {@link #memoKey} alone: it
     * booted a disk that no network device came before in the search (a PXE server's answer is the lab's, not the
     * host's).
     */
    private static boolean planFirmware(HostMachine host, List<PlannedStep> steps) {
        MachineFacts facts = facts(host);
        FirmwareModel fw = host.env.extensions().firmware(host.firmware);
        for (BootStep s : fw.post(facts)) {
            steps.add(PlannedStep.of(s.phase(), s.name(), s.demand()));
        }
        List<ImageBootDevice> devices = devices(host);
        BootOutcome outcome;
        try {
            outcome = fw.searchBoot(new BootDevices(facts, List.copyOf(devices)));
        } catch (UncheckedIOException e) {
            // a firmware model (a plugin's) that let a disk's read error through: the boot stops at it
            steps.add(PlannedStep.fail("boot-search", "the firmware could not read the boot disk (" + e.getMessage()
                    + ")"));
            return false;
        }
        for (BootStep s : outcome.steps()) {
            steps.add(PlannedStep.of(s.phase(), s.name(), s.demand()));
        }
        return switch (outcome) {
            case BootOutcome.NotFound nf -> {
                steps.add(PlannedStep.fail("boot-search", nf.message()));
                yield false;
            }
            case BootOutcome.Found f -> {
                ImageBootDevice dev = ImageBootDevice.named(devices, f.device());
                byte[] loader;
                try {
                    loader = dev.loaderBytes(f.loader());
                } catch (UncheckedIOException e) {
                    steps.add(PlannedStep.fail("boot-search", "the boot loader on " + f.device() + " cannot be read ("
                            + e.getMessage() + ")"));
                    yield false;
                }
                Optional<String> what = BootMarker.read(loader);
                List<PlannedStep> os = osSteps(what.orElse(""));
                steps.addAll(os);
                yield !os.getLast().isFailure() && noNetBefore(devices, dev);
            }
        };
    }

    /** Whether no network device comes before {@code found} in {@code devices}. */
    private static boolean noNetBefore(List<ImageBootDevice> devices, ImageBootDevice found) {
        for (ImageBootDevice d : devices) {
            if (d == found) {
                return true;
            }
            if (d.kind() == BootDevice.Kind.NET) {
                return false;
            }
        }
        return false;
    }

    /** A boot-order entry as a device name: the bare {@code disk} and {@code net} mean the first of each. */
    private static String device(String entry) {
        return entry.equals("disk") ? "disk0" : entry.equals("net") ? "net0" : entry;
    }

    /** The host's boot devices in boot order: {@code disk}/{@code diskN} and {@code net}/{@code netN}. */
    static List<ImageBootDevice> devices(HostMachine host) {
        List<ImageBootDevice> out = new ArrayList<>();
        for (String entry : host.bootOrder) {
            String device = device(entry);
            if (device.startsWith("net")) {
                out.add(ImageBootDevice.net(device));
                continue;
            }
            for (HostDisk d : host.disks) {
                if (d.device().equals(device)) {
                    out.add(new ImageBootDevice(device, host.env.images().hostDisk(host.name, device, d.size())));
                }
            }
        }
        return out;
    }

    /**
     * What the boot loader tagged {@code what} loads, as steps: the same for every host (calibration constants only), so
     * made once; a storm boots 10,000 hosts.
     */
    private static List<PlannedStep> osSteps(String what) {
        return switch (what) {
            case "host=type1" -> TYPE1;
            case "host=type2-linux" -> TYPE2_LINUX;
            case "host=type2-windows" -> TYPE2_WINDOWS;
            default -> List.of(PlannedStep.fail("bootloader",
                    "the boot loader on the boot disk loads no OS hyperlab knows (host install puts one there)"));
        };
    }

    private static final Demand GRUB = Demand.fixed(seconds(GRUB_TIMEOUT_S + GRUB_LOAD_S))
            .plusRead(VMLINUZ_BYTES + INITRD_BYTES, sequentialOps(VMLINUZ_BYTES + INITRD_BYTES));
    // the hypervisor application's kernel modules load once the host OS is up (vboxdrv.service on Linux; the same
    // figure stands in for VirtualBox's drivers on Windows), then its autostart waits its delay
    private static final Demand TYPE2_SERVICE = referenceCpu(TYPE2_MODULES_S).plusFixed(seconds(TYPE2_AUTOSTART_DELAY_S));
    private static final List<PlannedStep> TYPE1 = List.of(
            PlannedStep.of("bootloader", "grub", GRUB),
            PlannedStep.of("kernel", "linux", referenceCpu(LINUX_HOST_KERNEL_S + LINUX_HOST_INITRD_S)),
            PlannedStep.of("hypervisor", "kvm + services", referenceCpu(LINUX_HOST_USERSPACE_S)));
    // a desktop distribution: its kernel and initrd, then user space up to the login screen (graphical.target), and
    // only then the hypervisor application
    private static final List<PlannedStep> TYPE2_LINUX = List.of(
            PlannedStep.of("bootloader", "grub", GRUB),
            PlannedStep.of("kernel", "linux", referenceCpu(LINUX_DESKTOP_KERNEL_S + LINUX_DESKTOP_INITRD_S)),
            PlannedStep.of("host-os", "desktop to login", referenceCpu(LINUX_DESKTOP_USERSPACE_S)),
            PlannedStep.of("hypervisor", "vboxdrv + autostart", TYPE2_SERVICE));
    // Windows publishes one boot figure, splash screen to desktop and its start-up services settled
    // (BootTime = MainPathBootTime + BootPostBootTime): no split into loader and kernel
    private static final List<PlannedStep> TYPE2_WINDOWS = List.of(
            PlannedStep.of("bootloader", "bootmgr", Demand.NONE),
            PlannedStep.of("kernel", "windows", Demand.NONE),
            PlannedStep.of("host-os", "desktop and start-up services", referenceCpu(WINDOWS_DESKTOP_HOST_BOOT_S)
                    .plusRead(WINDOWS_BOOT_READ_BYTES, Math.round(WINDOWS_BOOT_IOS * WINDOWS_BOOT_READ_FRACTION))),
            PlannedStep.of("hypervisor", "vbox drivers + autostart", TYPE2_SERVICE));
}
