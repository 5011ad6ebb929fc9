package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.SplittableRandom;
import org.apiguardian.api.API;

/**
 * What a guest driver may know about the guest loading it.
 *
 * <pre>{@code
 * public Demand load(GuestContext guest) {
 *     double gib = guest.memoryBytes() / (double) (1L << 30);
 *     return Demand.fixed(Duration.ofMillis(Math.round(250 * gib))); // work that grows with guest memory
 * }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface GuestContext {
    /** VM name. */
    String name();

    /** OS profile id ({@code linux-server}, {@code windows-server}, ...). */
    String osProfile();

    /** OS family: {@code linux} or {@code windows}. */
    String osFamily();

    /** Virtual CPUs the VM has. */
    int vcpus();

    /** Memory configured for the VM, in bytes. */
    long memoryBytes();

    /** A random stream for this VM and this driver, split from the lab's seed. */
    SplittableRandom random();
}
