package dev.hyperlab.core.firmware;

import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.api.spi.BootLayout;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.MachineContext;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * No firmware at all, as in Firecracker: the VMM loads the kernel into guest memory and jumps to it; the first disk
 * must hold the root file system (ext2/3/4 superblock magic 0xEF53 at byte 1080). Only for VMs.
 */
public final class DirectKernelBoot implements FirmwareModel {
    /** Offset of s_magic: superblock at 1024 plus 0x38 (Linux fs/ext4/ext4.h, struct ext4_super_block). */
    static final int EXT_MAGIC_OFFSET = 1024 + 0x38;

    @Override
    public String id() {
        return "direct";
    }

    @Override
    public String description() {
        return "Direct kernel boot (Firecracker-style, VMs only): no firmware; root file system on the first disk";
    }

    @Override
    public List<BootStep> post(MachineContext m) {
        return List.of();
    }

    @Override
    public BootOutcome searchBoot(BootSearch search) {
        for (BootDevice d : search.devices()) {
            if (d.kind() != BootDevice.Kind.DISK) {
                continue;
            }
            List<BootStep> steps = List.of(new BootStep("firmware", "read-superblock " + d.name(),
                    Demand.NONE.plusRead(4096, 1)));
            byte[] sb;
            try {
                sb = d.read(EXT_MAGIC_OFFSET, 2);
            } catch (UncheckedIOException e) {
                // the kernel's block layer logs the I/O error, then the root mount fails
                return BootOutcome.notFound("Kernel panic - not syncing: VFS: Unable to mount root fs on " + d.name()
                        + " (I/O error: " + e.getMessage() + ")", steps);
            }
            if (sb.length == 2 && (sb[0] & 0xff) == 0x53 && (sb[1] & 0xff) == 0xef) {
                return BootOutcome.found(d.name(), "kernel loaded by the VMM, root file system on " + d.name(), steps);
            }
            return BootOutcome.notFound(
                    "Kernel panic - not syncing: VFS: Unable to mount root fs on " + d.name(), steps);
        }
        return BootOutcome.notFound("Kernel panic - not syncing: VFS: Unable to mount root fs (no disk)", List.of());
    }

    @Override
    public BootLayout bootLayout() {
        return BootLayout.ROOT_FS;
    }
}
