package dev.hyperlab.core.engine;

import dev.hyperlab.api.spi.MachineContext;
import java.util.SplittableRandom;

/** The {@link MachineContext} the engine hands to firmware models. */
record MachineFacts(
        String name, boolean virtual, int cpus, double cpuGhz, long memoryBytes, int disks, int nics,
        SplittableRandom random) implements MachineContext {}
