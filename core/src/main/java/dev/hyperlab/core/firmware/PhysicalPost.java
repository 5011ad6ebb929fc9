package dev.hyperlab.core.firmware;

import static dev.hyperlab.core.calibration.Calibration.*;

import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.MachineContext;
import dev.hyperlab.core.calibration.Demands;
import java.util.ArrayList;
import java.util.List;

/**
 * The power-on self-test of a physical server, common to its BIOS and UEFI firmware: platform initialisation (CPU,
 * chipset, device enumeration), memory training and test growing with installed memory, then each NIC's PXE option
 * ROM prompt.
 */
final class PhysicalPost {
    private PhysicalPost() {}

    static List<BootStep> steps(MachineContext m) {
        double gib = m.memoryBytes() / (double) (1L << 30);
        List<BootStep> steps = new ArrayList<>(3);
        steps.add(new BootStep("post", "platform-init", Demand.fixed(Demands.seconds(HOST_POST_BASE_S))));
        steps.add(new BootStep("post", "memory-training", Demand.fixed(Demands.seconds(HOST_POST_MEMORY_S_PER_GIB * gib))));
        if (m.nics() > 0) {
            steps.add(new BootStep("post", "option-roms", Demand.fixed(Demands.seconds(HOST_POST_NIC_OPTION_ROM_S * m.nics()))));
        }
        return steps;
    }
}
