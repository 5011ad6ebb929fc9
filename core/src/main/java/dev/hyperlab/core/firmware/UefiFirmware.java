package dev.hyperlab.core.firmware;

import static dev.hyperlab.core.calibration.Calibration.*;

import dev.hyperlab.api.spi.BootLayout;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.MachineContext;
import dev.hyperlab.core.calibration.Demands;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import java.util.List;

/**
 * UEFI: a server's UEFI on a physical host, OVMF (edk2) in a VM. The boot manager looks on each disk for a GPT with
 * an EFI system partition holding the removable-media loader {@code \EFI\BOOT\BOOTX64.EFI} and starts the first it
 * finds. No CSM: an MBR-only disk is not bootable. A disk that cannot be read where its GPT or ESP lies fails to load
 * with EFI_DEVICE_ERROR, which edk2's BdsDxe prints as "Device Error", and the boot manager goes on.
 */
public final class UefiFirmware implements FirmwareModel {
    /** The default loader path for x86-64 (UEFI specification, section "Removable Media Boot Behavior"). */
    private static final String FALLBACK_LOADER = BootDiskProbe.UEFI_FALLBACK_LOADER;

    @Override
    public String id() {
        return "uefi";
    }

    @Override
    public String description() {
        return "UEFI (OVMF in VMs): boots \\EFI\\BOOT\\BOOTX64.EFI from the EFI system partition of a GPT disk";
    }

    /** How edk2 prints EFI_DEVICE_ERROR in OVMF's "BdsDxe: failed to load ..." line. */
    // calibration: vm.fw.ovmf_load_error_message
    private static final String DEVICE_ERROR = "Device Error";

    /** The virtual firmware's start in a VM: the same for every VM, so made once. */
    private static final List<BootStep> VIRTUAL_POST =
            List.of(new BootStep("firmware", "ovmf-init", Demand.fixed(Demands.seconds(OVMF_S))));

    @Override
    public List<BootStep> post(MachineContext m) {
        if (m.virtual()) {
            return VIRTUAL_POST;
        }
        return PhysicalPost.steps(m);
    }

    @Override
    public BootOutcome searchBoot(BootSearch search) {
        return BootOrderWalk.walk(search, (disk, steps) -> {
            // GPT header (LBA 1), partition entries, then the FAT directory walk of the ESP
            steps.add(new BootStep("boot-search", "read-esp " + disk.name(), Demand.NONE.plusRead(64 << 10, 8)));
            return disk.efiFile(FALLBACK_LOADER).map(bytes -> FALLBACK_LOADER);
        }, (disk, detail) -> "BdsDxe: failed to load " + disk + ": " + DEVICE_ERROR + " (" + detail + ")",
                "No bootable device (BdsDxe: no bootable option or device was found)");
    }

    @Override
    public BootLayout bootLayout() {
        return BootLayout.GPT_ESP;
    }
}
