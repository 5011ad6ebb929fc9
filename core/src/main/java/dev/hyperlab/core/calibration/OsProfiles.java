package dev.hyperlab.core.calibration;

import static dev.hyperlab.core.calibration.Calibration.*;
import static dev.hyperlab.core.calibration.Demands.referenceCpu;
import static dev.hyperlab.core.calibration.Demands.seconds;
import static dev.hyperlab.core.calibration.Demands.sequentialOps;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.spi.Demand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The built-in OS profiles, sorted by id. Each phase's demand comes from docs/calibration.md; a phase whose split is
 * not published (Windows' boot loader and kernel, a Linux guest's init I/O) carries no demand of its own rather than
 * an invented one, and the whole published figure sits in the phase it is measured for.
 */
public final class OsProfiles {
    /** The real test guest that {@code disk create --os tiny-linux} builds from this machine's Debian packages. */
    public static final String TINY_LINUX = "tiny-linux";
    private static final Map<String, OsProfile> BUILT_IN = new TreeMap<>();

    static {
        List<String> linuxInbox = List.of("virtio-balloon", "virtio-blk", "virtio-net");
        Demand qemu = Demand.fixed(seconds(QEMU_START_S));
        // GRUB reads the kernel and the initrd into memory before jumping to the kernel
        Demand loadKernelAndInitrd = Demand.NONE.plusRead(VMLINUZ_BYTES + INITRD_BYTES,
                sequentialOps(VMLINUZ_BYTES) + sequentialOps(INITRD_BYTES));
        DriverFallback emulatedDisk = DriverFallback.emulated(EMULATED_DISK_FACTOR);
        // an emulated e1000 carries a twentieth of virtio-net's throughput (drv.emulated_net.vs_virtio_factor); it
        // changes no boot time (a boot sends nothing), only a running workload's network traffic
        DriverFallback emulatedNic = DriverFallback.emulated(EMULATED_NET_FACTOR);
        Optional<Duration> linuxShutdown = Optional.of(seconds(LINUX_SHUTDOWN_S));
        add(new OsProfile("linux-server", "Linux server (Ubuntu cloud image, systemd)", "linux", "bios",
                10L << 30, linuxInbox, emulatedDisk, emulatedNic, qemu, QEMU_VM_OVERHEAD_BYTES,
                loadKernelAndInitrd.plusFixed(seconds(VM_GRUB_TIMEOUT_CLOUD_S)),
                referenceCpu(VM_KERNEL_S),
                referenceCpu(LINUX_SERVER_USERSPACE_S),
                false, LINUX_SERVER_BOOT_TOUCHED_BYTES, LINUX_SERVER_BOOT_TOUCHED_BYTES, linuxShutdown));
        add(new OsProfile("linux-desktop", "Linux desktop (Ubuntu with GNOME, installed from ISO)", "linux", "uefi",
                25L << 30, linuxInbox, emulatedDisk, emulatedNic, qemu, QEMU_VM_OVERHEAD_BYTES,
                loadKernelAndInitrd.plusFixed(seconds(VM_GRUB_TIMEOUT_INSTALLED_S)),
                referenceCpu(LINUX_DESKTOP_KERNEL_S + LINUX_DESKTOP_INITRD_S),
                referenceCpu(LINUX_DESKTOP_USERSPACE_S),
                false, LINUX_DESKTOP_IDLE_USED_BYTES, LINUX_DESKTOP_IDLE_USED_BYTES, linuxShutdown));
        // No figures of its own: linux-server's QEMU start, drivers, kernel and initrd read and kernel start, without GRUB's menu
        // (syslinux's TIMEOUT 0), and, as for the microvm, no user-space phase of its own (one busybox script) and
        // its footprint; its shutdown is linux-server's, an upper bound for a busybox poweroff.
        add(new OsProfile(TINY_LINUX, "Tiny Linux test guest (Debian kernel, busybox initramfs; real on QEMU)", "linux",
                "bios", 128L << 20, linuxInbox, emulatedDisk, emulatedNic, qemu, QEMU_VM_OVERHEAD_BYTES,
                loadKernelAndInitrd,
                referenceCpu(VM_KERNEL_S),
                Demand.NONE,
                false, MICROVM_FOOTPRINT_BYTES, MICROVM_FOOTPRINT_BYTES, linuxShutdown));
        long readOps = Math.round(WINDOWS_BOOT_IOS * WINDOWS_BOOT_READ_FRACTION);
        add(new OsProfile("windows-server", "Windows Server (no inbox virtio drivers: give it the virtio-blk driver)",
                "windows", "uefi", 40L << 30, List.of(),
                DriverFallback.stop("INACCESSIBLE_BOOT_DEVICE (bug check 0x7B): no driver for the virtio boot disk"),
                emulatedNic, qemu, QEMU_VM_OVERHEAD_BYTES,
                Demand.NONE,
                Demand.NONE,
                referenceCpu(WINDOWS_VM_BOOT_S)
                        .plusRead(WINDOWS_BOOT_READ_BYTES, readOps)
                        .plusWrite(WINDOWS_BOOT_WRITE_BYTES, WINDOWS_BOOT_IOS - readOps),
                WINDOWS_BOOT_TOUCH_FRACTION == 1.0, 0, WINDOWS_SERVER_WORKING_SET_BYTES,
                Optional.of(seconds(WINDOWS_SHUTDOWN_S))));
        add(new OsProfile("microvm", "Minimal Linux microVM (Firecracker-style direct kernel boot)", "linux",
                "direct", 1L << 30, List.of("virtio-blk", "virtio-net"),
                DriverFallback.stop("VFS: Unable to mount root fs: no virtio-blk driver"),
                DriverFallback.stop("no network device driver"),
                Demand.fixed(seconds(FIRECRACKER_START_S)), FIRECRACKER_VM_OVERHEAD_BYTES,
                Demand.NONE,
                referenceCpu(MICROVM_KERNEL_S),
                Demand.NONE,
                false, MICROVM_FOOTPRINT_BYTES, MICROVM_FOOTPRINT_BYTES,
                // a Firecracker-style VMM has no ACPI power button: the guest never hears the request
                // calibration: vm.shutdown.no_acpi_ignored
                Optional.empty()));
    }

    private OsProfiles() {}

    private static void add(OsProfile p) {
        BUILT_IN.put(p.id(), p);
    }


    public static List<OsProfile> all() {
        return List.copyOf(BUILT_IN.values());
    }

    /** The profile with that id, if there is one. */
    public static java.util.Optional<OsProfile> find(String id) {
        return java.util.Optional.ofNullable(BUILT_IN.get(id));
    }

    /** The profile with that id; throws {@link LabException} listing the profiles when there is none. */
    public static OsProfile get(String id) {
        OsProfile p = BUILT_IN.get(id);
        if (p == null) {
            throw LabException.notFound("no OS profile '" + id + "'", "one of " + String.join(", ", BUILT_IN.keySet()));
        }
        return p;
    }
}
