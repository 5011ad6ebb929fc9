package dev.hyperlab.shell.command;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --wait [--timeout DURATION]}, the same on every command that starts something lasting (a picocli mixin:
 * {@code @Mixin WaitOptions wait;}): run the simulation until it is done, at most the timeout of lab time.
 */
public final class WaitOptions {
    @Option(names = "--wait", description = "Run the simulation until it is done (a progress bar on a terminal; "
            + "Ctrl-C stops waiting, the lab consistent where it got to).")
    boolean enabled;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "With --wait: lab time to wait at most "
            + "(default 1h).")
    String timeout = "1h";

    /** Whether {@code --wait} was given. */
    public boolean enabled() {
        return enabled;
    }

    /** The {@code --timeout}, parsed. */
    public Duration timeout() {
        return Args.duration("--timeout", timeout);
    }
}
