package dev.hyperlab.shell.commands.workload;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.WorkloadInfo;
import dev.hyperlab.api.lab.WorkloadSpec;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workload create NAME [--like ID] [--cpu SHARE] [--reads N --read-size SIZE] [--writes N --write-size SIZE]
 * [--appends N --append-size SIZE] [--net-rx RATE] [--net-tx RATE] [--description TEXT]}: a workload of the lab's own.
 */
@Command(name = "create", description = "Define a workload in this lab, saved with it, for vm create/set "
        + "--workload: the figures of --like (none: all zero) with those given in their place. Use it to rehearse "
        + "with your own measurements, or to replace a value docs/calibration.md labels as assumed (e.g. workload "
        + "create half-build --like build --cpu 0.5).")
final class WorkloadCreate extends ChangeCommand {
    @Parameters(paramLabel = "NAME", description = "Its name (letters, digits, '-', '_', '.').")
    String name;

    @Option(names = "--like", paramLabel = "ID", description = "Start from this workload's figures.",
            completionCandidates = LiveNames.Workloads.class)
    String like;

    @Option(names = "--description", paramLabel = "TEXT", description = "One line for listings (default: made "
            + "from the figures).")
    String description;

    @Option(names = "--cpu", paramLabel = "SHARE", description = "Share of each vCPU the guest keeps busy, 0 to 1.")
    Double cpu;

    @Option(names = "--reads", paramLabel = "N", description = "Reads per second.")
    Double reads;

    @Option(names = "--read-size", paramLabel = "SIZE", description = "Bytes per read (e.g. 8KiB).")
    String readSize;

    @Option(names = "--writes", paramLabel = "N", description = "Random writes per second (pages updated in place).")
    Double writes;

    @Option(names = "--write-size", paramLabel = "SIZE", description = "Bytes per random write.")
    String writeSize;

    @Option(names = "--appends", paramLabel = "N", description = "Sequential writes per second (a log's appends).")
    Double appends;

    @Option(names = "--append-size", paramLabel = "SIZE", description = "Bytes per sequential write.")
    String appendSize;

    @Option(names = "--net-rx", paramLabel = "RATE", description = "Bytes a second the guest receives through its "
            + "NIC (e.g. 2MB/s); each byte costs host CPU, 20 times as much through an emulated NIC as through "
            + "virtio-net.")
    String netRx;

    @Option(names = "--net-tx", paramLabel = "RATE", description = "Bytes a second the guest sends through its NIC "
            + "(e.g. 2MB/s).")
    String netTx;

    private WorkloadInfo made;

    WorkloadCreate(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        made = lab.createWorkload(new WorkloadSpec(name, like, description, cpu, reads, size("--read-size", readSize),
                writes, size("--write-size", writeSize), appends, size("--append-size", appendSize),
                rate("--net-rx", netRx), rate("--net-tx", netTx)));
    }

    /** A rate in bytes a second: a size, with or without "/s". */
    private static Long rate(String option, String text) {
        return text == null ? null : Args.size(option, text.endsWith("/s") ? text.substring(0, text.length() - 2)
                : text);
    }

    private static Long size(String option, String text) {
        return text == null ? null : Args.size(option, text);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        out().println((dryRun ? "would define workload " : "defined workload ") + made.id() + ": "
                + made.description());
    }
}
