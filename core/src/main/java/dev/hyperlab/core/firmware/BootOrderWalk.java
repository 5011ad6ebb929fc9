package dev.hyperlab.core.firmware;

import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The boot manager loop BIOS and UEFI share: try each device in boot order, PXE on network devices, the firmware's
 * own probe on disks, and boot the first that answers.
 */
final class BootOrderWalk {
    /** A firmware's disk probe: adds the steps it takes and returns the loader it found, if any. */
    interface DiskProbe {
        Optional<String> probe(BootDevice disk, List<BootStep> steps);
    }

    private BootOrderWalk() {}

    static BootOutcome walk(BootSearch search, DiskProbe probe, String notFound) {
        List<BootStep> steps = new ArrayList<>();
        for (BootDevice d : search.devices()) {
            if (d.kind() == BootDevice.Kind.NET) {
                if (NetBoot.probe(d, steps, search.machine().virtual())) {
                    return BootOutcome.found(d.name(), "PXE network boot program", steps);
                }
                continue;
            }
            Optional<String> loader = probe.probe(d, steps);
            if (loader.isPresent()) {
                return BootOutcome.found(d.name(), loader.get(), steps);
            }
        }
        return BootOutcome.notFound(notFound, steps);
    }
}
