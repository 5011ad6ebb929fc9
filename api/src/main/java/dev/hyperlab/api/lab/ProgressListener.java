package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * Receives progress of a long operation ({@link Lab#advance(Duration)} or a wait), to draw a progress bar. Called
 * about ten times per wall-clock second on the thread running the simulation (not necessarily the caller's), from the
 * first tenth of a second on. A listener may interrupt the current thread to cancel the operation right there (it
 * then ends with {@code CANCELLED}, the lab consistent at the time reached): that is how a front end turns Ctrl-C into
 * a cancel at a safe point. Interrupting the thread that called the operation cancels it too.
 *
 * <p>The engine calls {@link #progress(RunProgress)}; a listener that wants more than lab times and a count of
 * machines booting overrides that one as well.
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

    /** All that is known of the operation's progress; by default passed on to the method above. */
    @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.1")
    default void progress(RunProgress progress) {
        progress(progress.now(), progress.target(), progress.hostsBooting() + progress.vmsBooting());
    }
}
