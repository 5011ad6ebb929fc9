package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * Receives progress of a long operation ({@link Lab#advance(Duration)} or a wait), to draw a progress bar. Called
 * on the thread running the operation, at most a few times per wall-clock second. A listener may interrupt the current
 * thread to cancel the operation right there (it then ends with {@code CANCELLED}, the lab consistent at the time
 * reached): that is how a front end turns Ctrl-C into a cancel at a safe point.
 *
 * <pre>{@code
 * lab.onProgress((now, target, booting) -> System.err.printf("%s / %s, %d booting%n", now, target, booting));
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
@FunctionalInterface
public interface ProgressListener {
    /** No progress reporting. */
    ProgressListener NONE = (now, target, booting) -> {};

    /**
     * @param now lab time reached
     * @param target lab time the operation runs to at most
     * @param machinesBooting hosts and VMs currently booting
     */
    void progress(Duration now, Duration target, int machinesBooting);
}
