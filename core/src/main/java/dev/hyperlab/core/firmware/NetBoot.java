package dev.hyperlab.core.firmware;

import static dev.hyperlab.core.calibration.Calibration.IPXE_DHCP_TIMEOUT_S;
import static dev.hyperlab.core.calibration.Calibration.PXE_DHCP_TIMEOUT_S;

import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.core.calibration.Demands;
import java.util.List;

/**
 * PXE as both firmware models do it: DHCP discovery, answered or timed out. Physical NICs follow the PXE
 * specification's retry schedule; QEMU's NICs carry iPXE, which gives up sooner.
 */
final class NetBoot {
    private NetBoot() {}

    /** Adds the PXE step and tells whether a boot server answered. */
    static boolean probe(BootDevice d, List<BootStep> steps, boolean virtual) {
        if (d.bootServerAnswers()) {
            steps.add(new BootStep("boot-search", "pxe " + d.name(), Demand.NONE));
            return true;
        }
        steps.add(new BootStep("boot-search", "pxe " + d.name() + " (no DHCP offer)",
                Demand.NONE.plusNetwork(Demands.seconds(virtual ? IPXE_DHCP_TIMEOUT_S : PXE_DHCP_TIMEOUT_S))));
        return false;
    }
}
