package dev.hyperlab.core.firmware;

import static dev.hyperlab.core.calibration.Calibration.*;

import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.MachineContext;
import dev.hyperlab.core.calibration.Demands;
import java.util.List;
import java.util.Optional;

/**
 * Legacy BIOS: a server's BIOS on a physical host, SeaBIOS in a VM. The boot-device search reads sector 0 of each
 * disk in boot order and boots the first with the 0x55AA boot signature; a network device boots only if a PXE server
 * answers before the DHCP timeout. A disk whose sector 0 cannot be read: SeaBIOS's "Boot failed: could not read the
 * boot disk" (its boot.c), and the search goes on. Nothing bootable: SeaBIOS's "No bootable device."
 */
public final class BiosFirmware implements FirmwareModel {
    @Override
    public String id() {
        return "bios";
    }

    @Override
    public String description() {
        return "Legacy BIOS (SeaBIOS in VMs): boots the MBR boot code of the first disk with a boot signature";
    }

    /** SeaBIOS's words for a disk whose sector 0 it could not read. */
    // calibration: host.bootdev.read_error_message
    private static final String READ_ERROR = "Boot failed: could not read the boot disk";

    /** The virtual firmware's start in a VM: the same for every VM, so made once. */
    private static final List<BootStep> VIRTUAL_POST =
            List.of(new BootStep("firmware", "seabios-post", Demand.fixed(Demands.seconds(SEABIOS_S))));

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
            steps.add(new BootStep("boot-search", "read-mbr " + disk.name(), Demand.NONE.plusRead(512, 1)));
            byte[] mbr = disk.read(0, 512);
            boolean signed = mbr.length == 512 && (mbr[510] & 0xff) == 0x55 && (mbr[511] & 0xff) == 0xaa;
            // a GPT disk laid out for UEFI alone has a signed protective MBR with no boot code: SeaBIOS would jump
            // into zeros and hang; the lab says no boot device, as BootDiskProbe.Report#biosBootable does
            return signed && hasBootCode(mbr) ? Optional.of("MBR boot code") : Optional.empty();
        }, (disk, detail) -> READ_ERROR + " (" + disk + ": " + detail + ")", "No bootable device.");
    }

    /** Whether the MBR's 440 bytes of boot code are not all zero. */
    private static boolean hasBootCode(byte[] mbr) {
        for (int i = 0; i < 440; i++) {
            if (mbr[i] != 0) {
                return true;
            }
        }
        return false;
    }
}
