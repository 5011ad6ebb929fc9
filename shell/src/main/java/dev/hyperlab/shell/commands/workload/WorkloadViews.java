package dev.hyperlab.shell.commands.workload;

import dev.hyperlab.api.lab.Sizes;
import java.util.Locale;

/** How the workload commands show a rate of I/Os: {@code 840 x 8 KiB}, or {@code -} for none. */
final class WorkloadViews {
    private WorkloadViews() {}

    static String rate(double iops, long size) {
        if (iops <= 0) {
            return "-";
        }
        String n = Math.abs(iops - Math.rint(iops)) < 1e-6 ? Long.toString(Math.round(iops))
                : String.format(Locale.ROOT, "%.2f", iops);
        return n + " x " + Sizes.format(size);
    }
}
