package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * How a host's hypervisor starts many VMs at once, like Proxmox's startup order and delays or a VDI broker's
 * concurrency limit: VMs start in groups of equal boot priority, lowest first; a group waits {@code groupDelay}
 * after the previous group's VMs are running; at most {@code maxConcurrentBoots} VMs boot at the same time.
 *
 * <pre>{@code
 * lab.host("esx1").setStartPolicy(new StartPolicy(4, Duration.ofSeconds(10)));
 * }</pre>
 *
 * @param maxConcurrentBoots VMs allowed in the starting state at once; 0 means no limit
 * @param groupDelay pause between one priority group being running and the next starting
 */
@API(status = STABLE, since = "0.1")
public record StartPolicy(int maxConcurrentBoots, Duration groupDelay) {
    /** No limit, no delay: every VM starts the moment it is asked to. */
    public static final StartPolicy UNLIMITED = new StartPolicy(0, Duration.ZERO);

    public StartPolicy {
        if (maxConcurrentBoots < 0 || maxConcurrentBoots > 100_000) {
            throw LabException.invalid("max concurrent boots " + maxConcurrentBoots + " is out of range",
                    "0 (no limit) to 100000");
        }
        if (groupDelay == null || groupDelay.isNegative()) {
            throw LabException.invalid("group delay must be 0 or more", "e.g. 10s");
        }
    }
}
