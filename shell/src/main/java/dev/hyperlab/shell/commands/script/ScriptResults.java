package dev.hyperlab.shell.commands.script;

import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.script.ScriptOutcome;

/** How {@code js}, {@code run} and {@code java} end: an error line, or the status the code exited with. */
final class ScriptResults {
    private ScriptResults() {}

    /**
     * The exit status of {@code outcome}; a failure is thrown as the one-line error the dispatcher prints (its cause
     * kept for {@code --debug}).
     *
     * @param what the script's name for the REPL's note on a non-zero exit
     */
    static int status(ShellContext ctx, ScriptOutcome outcome, String what) {
        if (outcome.error().isPresent()) {
            throw new ShellException(outcome.error().get(), "", outcome.cause(), outcome.stack());
        }
        if (outcome.status() != 0 && ctx.output().terminal()) {
            ctx.output().note("note: " + what + " exited with status " + outcome.status());
        }
        return outcome.status();
    }
}
