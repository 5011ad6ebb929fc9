package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * Whether a call that starts lasting work (a guest shutdown, a suspend, a snapshot's pause, a revert's load, a host's
 * boot) returns at once or once the work is over, and how much lab time it waits at most: what the shell's
 * {@code --wait}, {@code --no-wait} and {@code --timeout} say. Waiting runs the simulation, so the rest of the lab moves
 * on too; interrupting the waiting thread stops it at a consistent point ({@link LabException.Kind#CANCELLED}).
 *
 * <p>A wait that runs out of time throws {@link LabException.Kind#TIMEOUT}; the work goes on, the lab consistent at the
 * lab time reached. A wait whose work fails (a guest that crashes while it reboots) throws
 * {@link LabException.Kind#NOT_ALLOWED} with the reason.
 *
 * <pre>{@code
 * vm.suspend(Wait.upTo(Duration.ofMinutes(5)));   // returns once the VM is suspended
 * vm.shutdown(Wait.NONE);                         // returns at once; the guest shuts down as the lab runs
 * host.powerOn(Wait.DONE);                        // returns once the host runs (at most an hour of lab time)
 * }</pre>
 *
 * In JavaScript the same is an object: {@code vm.suspend({timeout: '5m'})}, {@code vm.revertTo('s1', {noWait: true})};
 * {@code {}} waits with the default timeout.
 *
 * @param noWait return as soon as the work has started
 * @param timeout lab time to wait at most; zero (a field left out) means {@link #DEFAULT_TIMEOUT}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Wait(boolean noWait, Duration timeout) {
    /** How long a wait lasts at most unless told: the shell's default {@code --timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

    /** Return at once. */
    public static final Wait NONE = new Wait(true, Duration.ZERO);

    /** Wait until the work is over, at most {@link #DEFAULT_TIMEOUT}. */
    public static final Wait DONE = new Wait(false, DEFAULT_TIMEOUT);

    public Wait {
        if (timeout == null || timeout.isZero()) {
            timeout = noWait ? Duration.ZERO : DEFAULT_TIMEOUT;
        }
        if (timeout.isNegative()) {
            throw LabException.invalid("a wait's {timeout} must be 0 or more", "e.g. 5m");
        }
    }

    /** Wait until the work is over, at most {@code timeout} of lab time. */
    public static Wait upTo(Duration timeout) {
        return new Wait(false, timeout);
    }

    /** Whether the call waits for its work. */
    public boolean waits() {
        return !noWait;
    }
}
