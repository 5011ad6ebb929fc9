package dev.hyperlab.shell.commands.lab;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabInfo;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lab set --disk-budget SIZE|auto}: the lab's settings. */
@Command(name = "set", description = "Change the lab's settings.")
final class LabSetCommand extends ChangeCommand {
    @Option(names = "--disk-budget", paramLabel = "SIZE|auto", required = true, description = "The most new disk "
            + "space one advance may take in the lab's images (e.g. 20GiB): an advance whose guest writes could take "
            + "more is refused up front, saying how much. auto (the default): half the free space.")
    String diskBudget;

    LabSetCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        lab.setDiskBudget(diskBudget);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        LabInfo i = lab.info();
        out().println((dryRun ? "would set" : "disk budget") + " " + i.diskBudgetSetting() + ": "
                + (i.directory().isEmpty() ? "a lab in memory writes nothing to disk"
                        : Sizes.format(i.diskBudget()) + " of new data per advance (" + Sizes.format(i.diskFree())
                                + " free)"));
    }
}
