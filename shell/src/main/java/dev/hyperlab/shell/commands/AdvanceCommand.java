package dev.hyperlab.shell.commands;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code advance DURATION}: runs the simulation forward. */
@Command(name = "advance", description = "Run the simulation forward by DURATION of lab time, the guests' writes "
        + "going into their disk images. On a terminal a wait of more than a second shows a progress line; Ctrl-C "
        + "stops it, the lab saved at the time reached. Refused up front when the guests' writes could take more new "
        + "disk than the lab's budget (lab info shows it; lab set --disk-budget changes it).")
public final class AdvanceCommand extends ChangeCommand {
    @Parameters(paramLabel = "DURATION", description = "How far: 250ms, 30s, 5m, 1h, 1m30s.")
    String duration;

    private Duration from;

    AdvanceCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        Duration d = Args.duration("DURATION", duration);
        from = lab.now();
        lab.advance(d);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (!dryRun) {
            out().println("lab time " + Times.at(from) + " -> " + Times.at(lab.now()));
        }
    }

    @Override
    protected boolean settles() {
        return false;
    }
}
