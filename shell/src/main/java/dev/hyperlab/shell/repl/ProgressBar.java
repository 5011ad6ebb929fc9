package dev.hyperlab.shell.repl;

import dev.hyperlab.shell.command.ProgressView;
import dev.hyperlab.shell.render.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The progress bar of a long wait on a terminal: lab time reached, a bar towards the target (an advance's end or a
 * wait's timeout), machines booting, and the wall-clock time left at the current pace. Drawn on one line that the
 * next output replaces; never in batch modes.
 */
public final class ProgressBar implements ProgressView {
    private final PrintWriter out;
    private final IntSupplier width;
    private long wallStart;
    private Duration labStart;
    private boolean drawn;

    public ProgressBar(PrintWriter out, IntSupplier width) {
        this.out = out;
        this.width = width;
    }

    @Override
    public synchronized void progress(Duration now, Duration target, int machinesBooting) {
        long wall = System.nanoTime();
        if (labStart == null) {
            labStart = now;
            wallStart = wall;
        }
        double total = Math.max(1, target.minus(labStart).toNanos());
        double done = Math.min(1, Math.max(0, now.minus(labStart).toNanos() / total));
        String eta = done <= 0 ? "?" : Times.length(Duration.ofNanos((long) ((wall - wallStart) * (1 - done) / done)));
        String left = "lab time " + Times.at(now) + " ";
        String right = String.format(" %3d%%  %d booting  ETA %s  (Ctrl-C stops)", Math.round(done * 100),
                machinesBooting, eta);
        int barW = Math.max(10, Math.min(50, width.getAsInt() - left.length() - right.length() - 4));
        int full = (int) Math.round(done * barW);
        out.print("\r\u001b[2K" + left + "[" + "\u2588".repeat(full) + "\u00b7".repeat(barW - full) + "]" + right);
        out.flush();
        drawn = true;
    }

    /** Removes the bar (after the command ends) and gets ready for the next one. */
    @Override
    public synchronized void clear() {
        if (drawn) {
            out.print("\r\u001b[2K");
            out.flush();
        }
        drawn = false;
        labStart = null;
    }
}
