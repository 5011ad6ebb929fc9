package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.render.Output;
import dev.hyperlab.shell.render.Style;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * The base of every leaf command: a picocli {@code @Command} class with a constructor taking the
 * {@link ShellContext}; {@link #call()} does the work and returns 0. Commands are thin: parse (picocli), call the
 * facade, render. A refusal is a {@link dev.hyperlab.api.lab.LabException} or {@link ShellException}: the dispatcher
 * prints it as {@code error: WHAT (HINT)}.
 *
 * <p>Use {@link ReadCommand} for commands that read (they take {@code --json}) and {@link ChangeCommand} for
 * commands that change the lab (they take {@code --dry-run}).
 */
public abstract class ShellCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    protected final ShellContext ctx;

    protected ShellCommand(ShellContext ctx) {
        this.ctx = ctx;
    }

    /** The session's lab, opened on first use. */
    protected Lab lab() {
        return ctx.lab();
    }

    protected Output output() {
        return ctx.output();
    }

    protected PrintWriter out() {
        return ctx.output().out();
    }

    protected Style style() {
        return ctx.output().style();
    }
}
