package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import java.security.PublicKey;
import java.util.List;
import java.util.SplittableRandom;
import org.apiguardian.api.API;

/**
 * What a firmware model may know about the machine it initialises, physical or virtual.
 *
 * <pre>{@code
 * Duration training = Duration.ofMillis(machine.memoryBytes() >> 30 * 150); // 150 ms per GiB
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface MachineContext {
    /** Host or VM name. */
    String name();

    /** True for a VM (virtual firmware), false for a physical host. */
    boolean virtual();

    /** Cores (physical host) or vCPUs (VM). */
    int cpus();

    /** Clock of one core in GHz (for a VM, its host's). */
    double cpuGhz();

    /** Installed memory (host) or configured memory (VM), in bytes. */
    long memoryBytes();

    /** Number of disks attached. */
    int disks();

    /** Number of network interfaces. */
    int nics();

    /**
     * A random stream for this machine and this extension, split from the lab's seed: the only randomness an
     * extension may use.
     */
    SplittableRandom random();

    /**
     * The keys this machine's user enrolled in its firmware ({@code vm secureboot enroll}, {@code host secureboot
     * enroll}), in the order enrolled: what a VM's NVRAM (OVMF_VARS) or a host's {@code mokutil --import} adds to the
     * keys the firmware trusts by itself. A Secure Boot model trusts a loader signed by any of them.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    default List<PublicKey> enrolledKeys() {
        return List.of();
    }
}
