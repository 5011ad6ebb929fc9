package dev.hyperlab.shell.commands.script;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.snippet.JavaSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code java SNIPPET}: Java through JShell, in this JVM, with {@code lab} the session's live lab. */
@Command(name = "java", description = "Evaluate a Java snippet (JShell, in this JVM) with `lab` the session's live "
        + "lab: what it changes the commands see. The snippet is the rest of the line, or a block while brackets "
        + "are open; `java` alone switches the REPL to Java (`.exit` or Ctrl-D to come back); Tab completes Java. "
        + "Snippets build on each other as in jshell. Ctrl-C stops a snippet.")
public final class JavaCommand extends ChangeCommand {
    @Parameters(paramLabel = "SNIPPET", arity = "0..1", description = "Java, e.g. lab.vms().size()")
    String code;

    JavaCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        if (code == null || code.isBlank()) {
            throw new ShellException("java needs a snippet", "e.g. java lab.vms().size(); in the REPL, java alone "
                    + "switches to Java");
        }
        JavaSession java = ctx.service(JavaSession.class, () -> new JavaSession(ctx));
        ScriptResults.status(ctx, java.eval(code, lab), "the snippet");
    }
}
