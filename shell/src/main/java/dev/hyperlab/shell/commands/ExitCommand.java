package dev.hyperlab.shell.commands;

import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import picocli.CommandLine.Command;

/** {@code exit}: leaves the REPL (Ctrl-D does too) or ends a command file early. */
@Command(name = "exit", aliases = "quit", description = "Leave the shell (Ctrl-D does too); in a command file, stop "
        + "there with status 0. The lab is saved already: every change is saved as it is made.")
public final class ExitCommand extends ShellCommand {
    ExitCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        ctx.requestExit();
        return 0;
    }
}
