package dev.hyperlab.core.engine;

import dev.hyperlab.api.spi.Demand;

/**
 * One step of a machine's plan (a boot, a shutdown, a suspend), fixed when the plan is made so that a saved lab
 * resumes it exactly.
 *
 * @param phase timeline phase
 * @param step detail within the phase
 * @param demand work before machine-specific factors (CPU tax, driver efficiency, cache)
 * @param cacheKey when not empty, its reads come from a base image and the host's cache of that base serves them once
 *     another VM has read them (the key names the base's profile and phase)
 * @param ioEfficiency throughput of the device path for this step relative to virtio (emulated devices are slower)
 * @param failure when not empty the plan stops here with this message (the step itself takes no time)
 */
public record PlannedStep(
        String phase, String step, Demand demand, String cacheKey, double ioEfficiency, String failure) {

    public static PlannedStep of(String phase, String step, Demand demand) {
        return new PlannedStep(phase, step, demand, "", 1.0, "");
    }

    public static PlannedStep fail(String phase, String message) {
        return new PlannedStep(phase, "", Demand.NONE, "", 1.0, message);
    }

    /** A step reading from a shared base image (see {@code cacheKey}). */
    public static PlannedStep fromBase(String phase, Demand demand, String cacheKey, double ioEfficiency) {
        return new PlannedStep(phase, "", demand, cacheKey, ioEfficiency, "");
    }

    public boolean baseReads() {
        return !cacheKey.isEmpty();
    }


    public boolean isFailure() {
        return !failure.isEmpty();
    }
}
