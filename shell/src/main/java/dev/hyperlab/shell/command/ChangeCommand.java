package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.error.ShellException;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * A command that changes the lab. It takes {@code --dry-run}: {@link #apply} then runs on a throw-away copy
 * ({@link Lab#fork()}), the copy runs on until nothing boots any more, and {@link DryRun} prints the predicted
 * timeline and end state; the lab and its files are untouched. Without it, {@link #apply} runs on the lab (which
 * saves itself before the facade call returns) and {@link #report} tells what happened.
 */
public abstract class ChangeCommand extends ShellCommand {
    @Option(names = "--dry-run", description = "Run on a throw-away copy of the lab and print what would happen "
            + "(the predicted timeline and end state); change nothing.")
    protected boolean dryRun;

    protected ChangeCommand(ShellContext ctx) {
        super(ctx);
    }

    /** Makes the change through the facade of {@code lab} (the real lab, or the copy in a dry run). */
    protected abstract void apply(Lab lab);

    /** Tells what happened, after {@link #apply}; in a dry run, {@code lab} is the copy (at the predicted end). */
    protected void report(Lab lab, boolean dryRun) {}

    /** The hosts and VMs the command is about: a dry run always shows their end state. */
    protected List<String> machines() {
        return List.of();
    }

    /**
     * Whether standard output belongs to what the command runs (a script's own output, maybe one JSON document): a dry
     * run then writes its prediction on the error stream.
     */
    protected boolean outputIsTheCommands() {
        return false;
    }

    /** Whether a dry run lets the copy run on until nothing boots (not for {@code advance}, which says how far). */
    protected boolean settles() {
        return true;
    }

    /**
     * Refuses {@code --json} with {@code --dry-run}: a dry run's report begins with its prediction's header, so it is no
     * JSON document. {@code shows} says what the JSON shows, for the hint.
     */
    protected final void jsonExcludesDryRun(boolean json, String shows) {
        if (json && dryRun) {
            throw new ShellException("--json and --dry-run exclude each other",
                    "--json " + shows + ", --dry-run predicts a change: give one");
        }
    }

    /**
     * The exit status after {@link #apply} and {@link #report}: 0, or what the change itself ended with (a script's
     * {@code exit(3)}); a status other than 0 fails the command without an error line (the command said why).
     */
    protected int status() {
        return 0;
    }

    @Override
    public final Integer call() {
        if (dryRun) {
            DryRun.run(ctx, this);
        } else {
            try {
                apply(lab());
            } finally {
                ctx.endProgress();
            }
            report(lab(), false);
        }
        out().flush();
        return status();
    }
}
