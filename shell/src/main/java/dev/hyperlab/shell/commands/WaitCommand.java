package dev.hyperlab.shell.commands;

import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wait host|vm NAME [--state S] [--timeout DURATION]}: runs the simulation until a machine is in a state. */
@Command(name = "wait", description = "Run the simulation until the host or VM is in a state (default running); "
        + "fails if it fails or crashes, or when the timeout passes first.")
public final class WaitCommand extends ChangeCommand {
    @Parameters(index = "0", paramLabel = "host|vm", description = "What to wait for.",
            completionCandidates = LiveNames.WaitTargets.class)
    String kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "Its name.",
            completionCandidates = LiveNames.WaitTargets.class)
    String name;

    @Option(names = "--state", paramLabel = "S", description = "The state to wait for (default running).",
            completionCandidates = LiveNames.States.class)
    String state = "running";

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Lab time to wait at most (default 1h).")
    String timeout = "1h";

    private Duration from;

    WaitCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        Duration limit = Args.duration("--timeout", timeout);
        from = lab.now();
        switch (kind) {
            case "host" -> lab.host(name).waitFor(Args.parse("--state", state, HostState::of), limit);
            case "vm" -> lab.vm(name).waitFor(Args.parse("--state", state, VmState::of), limit);
            default -> throw new ShellException("wait: '" + kind + "' is neither host nor vm",
                    "write wait host NAME or wait vm NAME");
        }
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (!dryRun) {
            out().println(kind + " " + name + " is " + state + " at lab time " + Times.at(lab.now()) + " (waited "
                    + Times.length(lab.now().minus(from)) + ")");
        }
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }

    @Override
    protected boolean settles() {
        return false;
    }
}
