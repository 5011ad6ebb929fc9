package dev.hyperlab.shell.commands.script;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.script.JsSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code js CODE}: JavaScript with {@code lab} bound, in the session's JavaScript context. */
@Command(name = "js", description = "Evaluate JavaScript with `lab` bound and print its value. The code is the rest of "
        + "the line, or a block while brackets are open; `js` alone switches the REPL to JavaScript (`.exit` or "
        + "Ctrl-D to come back). Lines share one context: a variable defined on one is there on the next. "
        + "docs/automation.md describes what scripts see.")
public final class JsCommand extends ChangeCommand {
    @Parameters(paramLabel = "CODE", arity = "0..1", description = "JavaScript, e.g. lab.vms().map(v => v.name())")
    String code;

    private int status;

    JsCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        if (code == null || code.isBlank()) {
            throw new ShellException("js needs code", "e.g. js lab.vms().length; in the REPL, js alone switches "
                    + "to JavaScript");
        }
        JsSession js = ctx.service(JsSession.class, () -> new JsSession(ctx));
        status = ScriptResults.status(ctx, js.eval(code, lab), "the code");
    }

    @Override
    protected int status() {
        return status;
    }
}
