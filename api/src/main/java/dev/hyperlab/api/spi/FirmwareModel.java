package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import org.apiguardian.api.API;

/**
 * A firmware (BIOS, UEFI, coreboot, ...) as the engine runs it at power-on, for physical hosts and VMs alike
 * ({@link MachineContext#virtual()} tells which). The engine runs {@link #post} then {@link #searchBoot}; what comes
 * after the boot loader (kernel, init, hypervisor) belongs to the OS, not the firmware.
 *
 * <pre>{@code
 * public final class FastBootFirmware implements FirmwareModel {
 *     public String id() { return "fastboot"; }
 *     public String description() { return "coreboot-style firmware that skips memory test"; }
 *     public List<BootStep> post(MachineContext m) {
 *         return List.of(new BootStep("post", "cpu-init", Demand.fixed(Duration.ofMillis(200))));
 *     }
 *     public BootOutcome searchBoot(BootSearch s) { ... }
 * }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface FirmwareModel extends Extension {

    /** The power-on self-test, in order (CPU init, memory training/test, device enumeration, option ROMs...). */
    List<BootStep> post(MachineContext machine);

    /** Walks the boot devices in order and decides what boots, reading the devices' real bytes. */
    BootOutcome searchBoot(BootSearch search);

    /**
     * What this firmware boots from: the layout hyperlab writes on a new boot disk of a machine with this firmware.
     * {@link BootLayout#MBR} unless overridden (BIOS-compatible firmware); a UEFI-based model returns
     * {@link BootLayout#GPT_ESP}. Read once when the model is registered.
     *
     * @return the layout of a new boot disk for a machine with this firmware; constant
     */
    default BootLayout bootLayout() {
        return BootLayout.MBR;
    }
}
