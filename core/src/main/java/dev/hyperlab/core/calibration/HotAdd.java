package dev.hyperlab.core.calibration;

/**
 * Whether a guest OS takes vCPUs and memory added while it runs (ACPI CPU and memory hot-add, QEMU's {@code device_add}
 * of a CPU or a {@code pc-dimm}). Sources: docs/calibration.md, {@code vm.hotplug.*}. The hypervisor side (room in
 * {@code maxcpus} and {@code maxmem}) is the VM's own; this is the guest's side.
 */
public final class HotAdd {
    private HotAdd() {}

    /** Empty when a guest of profile {@code os} onlines hot-added vCPUs, else why it does not. */
    public static String cpuRefusal(OsProfile os) {
        return switch (os.id()) {
            // calibration: vm.hotplug.linux (udev onlines a new CPU: 80-hotplug-cpu-mem.rules)
            case "linux-server", "linux-desktop" -> "";
            // calibration: vm.hotplug.windows_server (Dynamic Hardware Partitioning: hot-add of processors)
            case "windows-server" -> "";
            default -> refusal(os);
        };
    }

    /** Empty when a guest of profile {@code os} onlines hot-added memory, else why it does not. */
    public static String memoryRefusal(OsProfile os) {
        return switch (os.id()) {
            case "linux-server", "linux-desktop" -> ""; // calibration: vm.hotplug.linux
            case "windows-server" -> ""; // calibration: vm.hotplug.windows_server (hot-add memory)
            default -> refusal(os);
        };
    }

    private static String refusal(OsProfile os) {
        return switch (os.id()) {
            // calibration: vm.hotplug.tiny_linux (busybox init: no udev to online what is added)
            case OsProfiles.TINY_LINUX -> "its busybox init runs no udev, so nothing onlines what is added";
            // calibration: vm.hotplug.microvm (a Firecracker-style VMM adds neither)
            case "microvm" -> "a Firecracker-style microVM's VMM hot-adds neither vCPUs nor memory";
            default -> "no public source says that " + os.description() + " takes it";
        };
    }
}
