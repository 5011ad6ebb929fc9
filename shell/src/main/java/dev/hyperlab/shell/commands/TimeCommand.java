package dev.hyperlab.shell.commands;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code time}: lab time now. */
@Command(name = "time", description = "Lab time now (JSON: {\"time\": seconds}).")
public final class TimeCommand extends ReadCommand<Duration> {
    TimeCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected Duration read(Lab lab) {
        return lab.now();
    }

    @Override
    protected void print(Duration now) {
        out().println("lab time " + Times.at(now));
    }

    @Override
    protected Object json(Duration now) {
        return Map.of("time", now);
    }
}
