package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.shell.error.ShellException;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --wait | --no-wait [--timeout DURATION]}, the same on every command that starts something lasting (a picocli
 * mixin: {@code @Mixin WaitOptions wait;}), turned into the facade's {@link Wait}: the facade call runs the simulation
 * until the work is done, at most the timeout of lab time. Without either flag the command's default applies: some
 * commands wait when nobody watches (batch mode), as virsh's snapshot commands return when done.
 */
public final class WaitOptions {
    @Option(names = "--wait", description = "Run the simulation until it is done (a progress bar on a terminal; "
            + "Ctrl-C stops waiting, the lab consistent where it got to).")
    boolean wait;

    @Option(names = "--no-wait", description = "Return as soon as it has started (the lab runs it on with advance).")
    boolean noWait;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Lab time to wait at most (default 1h); "
            + "implies --wait.")
    String timeout;

    /** The wait the options ask for; {@code byDefault} when they say neither. Refuses contradictory options. */
    public Wait wait(boolean byDefault) {
        if (wait && noWait) {
            throw new ShellException("--wait and --no-wait exclude each other", "give one of them");
        }
        if (noWait && timeout != null) {
            throw new ShellException("--timeout goes with --wait, not --no-wait", "drop one of them");
        }
        if (noWait || (!wait && timeout == null && !byDefault)) {
            return Wait.NONE;
        }
        Duration limit = timeout == null ? Wait.DEFAULT_TIMEOUT : Args.duration("--timeout", timeout);
        if (limit.isZero()) {
            throw new ShellException("--timeout 0 would give up at once", "give a duration such as 5m");
        }
        return Wait.upTo(limit);
    }

    /** Whether any of the options was given. */
    public boolean given() {
        return wait || noWait || timeout != null;
    }
}
