package dev.hyperlab.shell.commands.workload;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code workload delete NAME}: removes a workload the lab defined, when no VM has it. */
@Command(name = "delete", description = "Remove a workload the lab defined; refused for a built-in one and while a "
        + "VM has it (vm set NAME --workload ID first).")
final class WorkloadDelete extends ChangeCommand {
    @Parameters(paramLabel = "NAME", description = "The workload.", completionCandidates = LiveNames.Workloads.class)
    String name;

    WorkloadDelete(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        lab.deleteWorkload(name);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        out().println((dryRun ? "would delete workload " : "deleted workload ") + name);
    }
}
