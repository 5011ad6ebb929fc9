package dev.hyperlab.shell.repl;

import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.api.lab.RunProgress;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ProgressView;
import dev.hyperlab.shell.render.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The progress line of a long wait on a terminal, as restic and borg draw theirs: lab time reached of the target (a
 * bar for an advance, which runs to its end; a wait ends when what it waits for happens), what is happening (machines
 * booting, guest writes), the wall-clock time left at the current pace, and how to stop. Drawn on one line that the
 * next output replaces, only once a wait has lasted {@link #AFTER}; never in batch modes (they have no bar).
 */
public final class ProgressBar implements ProgressView {
    /** Waits shorter than this show nothing: a line that flashes by tells nothing. */
    static final Duration AFTER = Duration.ofSeconds(1);
    private static final String STOP = "(Ctrl-C stops)";

    private final PrintWriter out;
    private final IntSupplier width;
    private boolean drawn;

    public ProgressBar(PrintWriter out, IntSupplier width) {
        this.out = out;
        this.width = width;
    }

    @Override
    public synchronized void progress(RunProgress p) {
        if (p.elapsed().compareTo(AFTER) < 0 && !p.stopping()) {
            return;
        }
        // three columns short of the width: the terminal echoes a Ctrl-C as "^C" after the line, and a line that wraps
        // then is not taken away whole by the carriage return and erase that clear() sends
        out.print("\r\u001b[2K" + line(p, Math.max(40, width.getAsInt() - 3)));
        out.flush();
        drawn = true;
    }

    /** The line for {@code p}, at most {@code columns} wide (what matters least is left out first). */
    static String line(RunProgress p, int columns) {
        if (p.stopping()) {
            String s = "stopped at lab time " + Times.at(p.now()) + ": saving the lab there...";
            return s.length() <= columns ? s : s.substring(0, columns);
        }
        List<String> doing = new ArrayList<>();
        if (p.hostsBooting() > 0) {
            doing.add(p.hostsBooting() + (p.hostsBooting() == 1 ? " host" : " hosts") + " booting");
        }
        if (p.vmsBooting() > 0) {
            doing.add(p.vmsBooting() + (p.vmsBooting() == 1 ? " VM" : " VMs") + " booting, " + p.vmsRunning() + "/"
                    + p.vms() + " running");
        }
        if (p.guestBytesWritten() > 0) {
            doing.add("guest writes " + Sizes.format(p.guestBytesWritten()));
        }
        String eta = eta(p);
        if (!p.untilTarget()) {
            String head = "waiting: lab time " + Times.at(p.now()) + " (timeout at " + Times.at(p.target()) + ")";
            return fit(head, doing, "", columns);
        }
        String head = "lab time " + Times.at(p.now()) + " of " + Times.at(p.target()) + " ";
        String pct = String.format(java.util.Locale.ROOT, " %3d%%", (int) Math.floor(p.fraction() * 100));
        for (int barWidth = 40; barWidth > 10; barWidth -= 5) { // a shorter bar before anything is left out
            String line = join(head + bar(p.fraction(), barWidth) + pct, doing, eta, STOP);
            if (line.length() <= columns) {
                return line;
            }
        }
        return fit(head + bar(p.fraction(), 10) + pct, doing, eta, columns);
    }

    private static String join(String head, List<String> doing, String eta, String stop) {
        StringBuilder b = new StringBuilder(head);
        for (String d : doing) {
            b.append("  ").append(d);
        }
        if (!eta.isEmpty()) {
            b.append("  ").append(eta);
        }
        if (!stop.isEmpty()) {
            b.append("  ").append(stop);
        }
        return b.toString();
    }

    /** Joins the parts, leaving out what does not fit: activities from the last, then the estimate, then the hint. */
    private static String fit(String head, List<String> doing, String eta, int columns) {
        List<String> parts = new ArrayList<>(doing);
        String etaPart = eta;
        String stop = STOP;
        while (true) {
            String line = join(head, parts, etaPart, stop);
            if (line.length() <= columns) {
                return line;
            }
            if (!parts.isEmpty()) {
                parts.removeLast();
            } else if (!etaPart.isEmpty()) {
                etaPart = "";
            } else if (!stop.isEmpty()) {
                stop = "";
            } else {
                return line.substring(0, columns);
            }
        }
    }

    private static String bar(double fraction, int width) {
        int full = (int) Math.round(fraction * width);
        return "[" + "\u2588".repeat(full) + "\u00b7".repeat(width - full) + "]";
    }

    /** Wall-clock time left at the pace so far, for a run that goes to its target. */
    private static String eta(RunProgress p) {
        double f = p.fraction();
        if (!p.untilTarget() || f <= 0 || f >= 1) {
            return "";
        }
        long left = (long) (p.elapsed().toNanos() * (1 - f) / f);
        Duration d = Duration.ofNanos(left);
        return "~" + Durations.format(d.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofMillis(d.toMillis() / 100 * 100)
                : Duration.ofSeconds(d.toSeconds())) + " left";
    }

    /** Removes the line (after the command ends) and gets ready for the next one. */
    @Override
    public synchronized void clear() {
        if (drawn) {
            out.print("\r\u001b[2K");
            out.flush();
        }
        drawn = false;
    }
}
