package dev.hyperlab.shell.commands;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import picocli.CommandLine.Command;

/** {@code demo}: builds the demo lab's hosts and VMs in the current lab. */
@Command(name = "demo", description = "Create the demo hosts and VMs in this lab (two hosts, type 1 and type 2, "
        + "booted; eight VMs ready for a boot storm). hyperlab --lab demo does this in a new lab called demo.")
public final class DemoCommand extends ChangeCommand {
    DemoCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        Demo.build(lab);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (!dryRun) {
            out().println(Demo.guide());
        }
    }
}
