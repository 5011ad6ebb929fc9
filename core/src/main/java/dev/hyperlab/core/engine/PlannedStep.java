package dev.hyperlab.core.engine;

import dev.hyperlab.api.spi.Demand;

/**
 * One step of a machine's plan (a boot, a shutdown, a suspend), fixed when the plan is made so that a saved lab
 * resumes it exactly.
 *
 * @param phase timeline phase
 * @param step detail within the phase
 * @param demand work before machine-specific factors (CPU tax, driver efficiency, cache)
 * @param baseReads its reads come from the VM's base image, so a warm host cache serves most of them
 * @param ioEfficiency throughput of the device path for this step relative to virtio (emulated devices are slower)
 * @param failure when not empty the plan stops here with this message (the step itself takes no time)
 */
public record PlannedStep(
        String phase, String step, Demand demand, boolean baseReads, double ioEfficiency,
        String failure) {

    public static PlannedStep of(String phase, String step, Demand demand) {
        return new PlannedStep(phase, step, demand, false, 1.0, "");
    }

    public static PlannedStep fail(String phase, String message) {
        return new PlannedStep(phase, "", Demand.NONE, false, 1.0, message);
    }

    public PlannedStep withBaseReads() {
        return new PlannedStep(phase, step, demand, true, ioEfficiency, failure);
    }

    public PlannedStep withIoEfficiency(double efficiency) {
        return new PlannedStep(phase, step, demand, baseReads, efficiency, failure);
    }

    public boolean isFailure() {
        return !failure.isEmpty();
    }
}
