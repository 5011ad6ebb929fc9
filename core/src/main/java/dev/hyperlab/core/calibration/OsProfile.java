package dev.hyperlab.core.calibration;

import dev.hyperlab.api.lab.Profiles;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A guest OS as {@code vm create --os} gives it: the base image it boots from and the demands of each boot phase after
 * the firmware (docs/calibration.md gives each figure's source).
 *
 * @param id profile id
 * @param description one line for people
 * @param family {@code linux} or {@code windows}
 * @param defaultFirmware firmware a VM with this profile gets unless told otherwise
 * @param imageSize virtual size of the base image
 * @param inboxDrivers guest drivers the OS ships with
 * @param blockFallback what happens without a block (virtio-blk) driver
 * @param netFallback what happens without a network (virtio-net) driver
 * @param vmmStart time for the VMM process to start (QEMU for full VMs, a Firecracker-style VMM for microVMs)
 * @param vmmOverheadBytes host memory the VMM takes beyond the guest's memory
 * @param bootloader the boot loader phase (menu timeout, reading its files)
 * @param kernel loading and starting the kernel and initrd
 * @param init user space up to the running state
 * @param zeroesMemoryAtBoot the guest touches all of its memory while booting (so the host must back all of it)
 * @param bootFootprintBytes memory the guest touches by the end of its boot when it does not zero it all
 * @param workingSetBytes memory the guest uses once up (what a balloon cannot take without the guest paging)
 * @param shutdown how long the guest takes to shut down once the hypervisor presses its ACPI power button (services
 *     stop, file systems sync, power off); empty for a guest that does not answer the request (no ACPI)
 */
public record OsProfile(
        String id, String description, String family, String defaultFirmware, long imageSize,
        List<String> inboxDrivers, DriverFallback blockFallback, DriverFallback netFallback, Demand vmmStart,
        long vmmOverheadBytes, Demand bootloader, Demand kernel, Demand init, boolean zeroesMemoryAtBoot,
        long bootFootprintBytes, long workingSetBytes, Optional<Duration> shutdown) {

    public OsProfile {
        inboxDrivers = List.copyOf(inboxDrivers);
    }

    /** What happens without a driver for {@code device}; devices other than block and net are simply absent. */
    public DriverFallback fallback(DeviceClass device) {
        return switch (device) {
            case BLOCK -> blockFallback;
            case NET -> netFallback;
            default -> DriverFallback.emulated(1.0);
        };
    }

    /** True when the VMM loads the kernel itself (no firmware boot loader on the disk), as Firecracker does. */
    public boolean directKernelBoot() {
        return "direct".equals(defaultFirmware);
    }

    public Profiles.OsProfileInfo info() {
        return new Profiles.OsProfileInfo(id, description, defaultFirmware, inboxDrivers, imageSize);
    }
}
