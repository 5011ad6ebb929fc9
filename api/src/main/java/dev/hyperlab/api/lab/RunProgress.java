package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * How far a long operation ({@link Lab#advance(Duration)}, a wait) has got, as a progress line shows it: lab time
 * reached of the target, what is happening in the lab, and the wall-clock time spent so far (for an estimate of the
 * time left; wall-clock time never changes what the lab does).
 *
 * <pre>{@code
 * lab.onProgress(p -> System.err.printf("%s of %s, %d VMs booting, %d bytes written%n",
 *         p.now(), p.target(), p.vmsBooting(), p.guestBytesWritten()));
 * }</pre>
 *
 * <p>EXPERIMENTAL as a type: hyperlab makes these records and adds components to them as features land, which
 * changes their constructor. Read them by their accessors; do not construct them.
 *
 * @param start lab time the operation started at
 * @param now lab time reached
 * @param target lab time the operation runs to at most: an advance's end, a wait's timeout
 * @param untilTarget true when the operation runs to {@code target} (an advance); false for a wait, which ends as
 *     soon as what it waits for happens
 * @param hostsBooting hosts booting now
 * @param vmsBooting VMs starting now
 * @param vmsRunning VMs running now
 * @param vms VMs in the lab
 * @param guestBytesWritten bytes the guests wrote into the lab's disk images so far in this operation
 * @param elapsed wall-clock time since the operation started
 * @param stopping true once the operation was cancelled and has stopped at {@code now}: what is left is saving the lab
 *     there (which, after many guest writes, waits for the disk)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record RunProgress(Duration start, Duration now, Duration target, boolean untilTarget, int hostsBooting,
        int vmsBooting, int vmsRunning, int vms, long guestBytesWritten, Duration elapsed, boolean stopping) {

    /** The share of the way from {@link #start()} to {@link #target()} covered, 0 to 1. */
    public double fraction() {
        long total = target.minus(start).toNanos();
        if (total <= 0) {
            return 1;
        }
        return Math.min(1, Math.max(0, (double) now.minus(start).toNanos() / total));
    }
}
