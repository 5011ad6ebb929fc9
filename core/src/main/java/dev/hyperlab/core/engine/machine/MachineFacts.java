package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.spi.MachineContext;
import dev.hyperlab.core.sim.RandomStreams;
import java.security.PublicKey;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@link MachineContext} the engine hands to firmware models. The random stream is made on first use: the
 * built-in models never draw, and a storm of 100,000 boots should not pay for streams nobody reads.
 */
final class MachineFacts implements MachineContext {
    private final String name;
    private final boolean virtual;
    private final int cpus;
    private final double cpuGhz;
    private final long memoryBytes;
    private final int disks;
    private final int nics;
    private final long seed;
    private final String streamKey;
    private final List<PublicKey> enrolledKeys;
    private SplittableRandom random;

    MachineFacts(String name, boolean virtual, int cpus, double cpuGhz, long memoryBytes, int disks, int nics,
            long seed, String streamKey, List<PublicKey> enrolledKeys) {
        this.name = name;
        this.virtual = virtual;
        this.cpus = cpus;
        this.cpuGhz = cpuGhz;
        this.memoryBytes = memoryBytes;
        this.disks = disks;
        this.nics = nics;
        this.seed = seed;
        this.streamKey = streamKey;
        this.enrolledKeys = enrolledKeys;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean virtual() {
        return virtual;
    }

    @Override
    public int cpus() {
        return cpus;
    }

    @Override
    public double cpuGhz() {
        return cpuGhz;
    }

    @Override
    public long memoryBytes() {
        return memoryBytes;
    }

    @Override
    public int disks() {
        return disks;
    }

    @Override
    public int nics() {
        return nics;
    }

    @Override
    public List<PublicKey> enrolledKeys() {
        return enrolledKeys;
    }

    @Override
    public SplittableRandom random() {
        if (random == null) {
            random = new RandomStreams(seed).stream(streamKey);
        }
        return random;
    }
}
