package dev.hyperlab.core.firmware;

import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The boot manager loop BIOS and UEFI share: try each device in boot order, PXE on network devices, the firmware's
 * own probe on disks, and boot the first that answers. A disk that cannot be read is reported in the firmware's words
 * and the search goes on to the next device, as SeaBIOS and OVMF do; when nothing boots, the read errors lead the
 * firmware's "nothing bootable" message, so the VM's reason says why.
 */
final class BootOrderWalk {
    /** A firmware's disk probe: adds the steps it takes and returns the loader it found, if any. */
    interface DiskProbe {
        Optional<String> probe(BootDevice disk, List<BootStep> steps);
    }

    /** A firmware's words for a disk it could not read: from the device's name and what the image said. */
    interface ReadError {
        String message(String device, String detail);
    }

    private BootOrderWalk() {}

    static BootOutcome walk(BootSearch search, DiskProbe probe, ReadError readError, String notFound) {
        List<BootStep> steps = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (BootDevice d : search.devices()) {
            if (d.kind() == BootDevice.Kind.NET) {
                if (NetBoot.probe(d, steps, search.machine().virtual())) {
                    return BootOutcome.found(d.name(), "PXE network boot program", steps);
                }
                continue;
            }
            Optional<String> loader;
            try {
                loader = probe.probe(d, steps);
            } catch (UncheckedIOException e) {
                unreadable.add(readError.message(d.name(), e.getMessage()));
                continue;
            }
            if (loader.isPresent()) {
                return BootOutcome.found(d.name(), loader.get(), steps);
            }
        }
        unreadable.add(notFound);
        return BootOutcome.notFound(String.join("; ", unreadable), steps);
    }
}
