package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;

/**
 * The one rule for how little memory a VM may have (issue 22): its definition ({@code vm create}, {@code vm set}),
 * its balloon target (simulated and QEMU) and its memory limit all check against {@link #MIN}, here, with one
 * message per kind of request.
 */
public final class VmMemoryRule {
    /**
     * The least memory a VM may have, configured, ballooned to or limited to: below it no guest OS the lab models boots
     * or keeps running. One rule for every backend and every path (vm create, vm set, mem balloon, vm resources).
     */
    public static final long MIN = 16 * Sizes.MiB;

    private VmMemoryRule() {}

    /** Refuses {@code bytes} as VM {@code vm}'s configured memory when it is under {@link #MIN}. */
    public static void requireConfigured(String vm, long bytes) {
        if (bytes < MIN) {
            throw LabException.invalid("VM " + vm + ": " + Sizes.format(bytes) + " of memory is too little",
                    "at least " + Sizes.format(MIN));
        }
    }

    /** Refuses a balloon target outside {@link #MIN} to the VM's {@code configured} memory. */
    public static void requireBalloonTarget(String vm, long bytes, long configured) {
        if (bytes < MIN || bytes > configured) {
            throw LabException.invalid("balloon target " + Sizes.format(bytes) + " for VM " + vm + " is out of range",
                    Sizes.format(MIN) + " to its configured " + Sizes.format(configured));
        }
    }
}
