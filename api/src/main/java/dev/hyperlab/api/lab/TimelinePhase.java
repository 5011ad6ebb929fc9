package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * One step of a machine's boot (or of another lab operation) as the timeline shows it.
 *
 * <pre>{@code
 * for (TimelinePhase p : lab.timeline(List.of("web1"))) System.out.println(p.phase() + " " + p.boundBy());
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param machine host or VM name
 * @param phase phase name: hosts have {@code post}, {@code boot-search}, {@code bootloader}, {@code kernel}, and
 *     {@code hypervisor} (type 1) or {@code host-os} then {@code hypervisor} (type 2); VMs have {@code vmm},
 *     {@code firmware}, {@code bootloader}, {@code kernel}, {@code init}, {@code drivers}
 * @param step finer detail within the phase ({@code memory-training}, {@code virtio-blk}, ...) or empty
 * @param start lab time the step started
 * @param end lab time it ended, empty while it is still running
 * @param boundBy what limited it: the part of its demand that finished last
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TimelinePhase(
        String machine, String phase, String step, Duration start, Optional<Duration> end, BoundBy boundBy) {

    /** How long the step took, or has taken so far at {@code now}. */
    public Duration length(Duration now) {
        return end.orElse(now).minus(start);
    }
}
