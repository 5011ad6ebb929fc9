package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.shell.render.Style;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;

/**
 * The line a command that starts lasting work on a VM or host ends with: the state the machine is in now, how long the
 * wait took when it waited, and the work still under way when it did not ({@code web1 running: shutdown under way}),
 * so nobody takes a VM that is still paused for one that runs.
 */
public final class Outcome {
    private Outcome() {}

    /** {@code web1 suspended after 3.2s (lab time 1h 2m 3.456s)}, or {@code web1 running: suspend under way (...)}. */
    public static String vm(Lab lab, String name, Duration from, Wait wait, Style style) {
        VmInfo i = lab.vm(name).info();
        String line = name + " " + style.state(i.state().id()) + waited(lab, from, wait);
        if (!i.operation().isEmpty()) {
            line += ": " + i.operation() + " under way (advance runs it on; --wait waits for it)";
        }
        return i.reason().isEmpty() ? line : line + ": " + i.reason();
    }

    /** {@code esx1 running after 2m 3s (lab time ...)}, or {@code esx1 booting (...)}. */
    public static String host(Lab lab, String name, Duration from, Wait wait, Style style) {
        HostInfo i = lab.host(name).info();
        String line = name + " " + style.state(i.state().id()) + waited(lab, from, wait);
        if (!wait.waits() && i.state() == dev.hyperlab.api.lab.HostState.BOOTING) {
            line += " (advance runs its boot on; --wait waits for it)";
        }
        return i.reason().isEmpty() ? line : line + ": " + i.reason();
    }

    private static String waited(Lab lab, Duration from, Wait wait) {
        if (!wait.waits()) {
            return "";
        }
        Duration took = lab.now().minus(from);
        return (took.isZero() ? "" : " after " + Times.length(took)) + " (lab time " + Times.at(lab.now()) + ")";
    }
}
