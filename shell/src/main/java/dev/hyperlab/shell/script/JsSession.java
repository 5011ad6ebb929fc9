package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.LineStream;
import java.util.List;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Source;

/**
 * JavaScript in one shell session: {@code js} lines share one context (a variable set on one line is there on the
 * next), each {@code run} gets a fresh one (a script starts from a clean world, whatever ran before). Created on the
 * first {@code js} or {@code run} (a {@link ShellContext#service} of the session), so a session that never scripts
 * never loads GraalJS.
 */
public final class JsSession implements AutoCloseable {
    /** The name {@code js} lines go by in error locations: {@code js:1:5}. */
    static final String LINE_NAME = "js";

    private final ShellContext shell;
    private final LineStream out;
    private final LineStream err;
    private ScriptContext lines;
    /** Whether the last session ended (exit(), a limit): the next line says a new one starts. */
    private boolean ended;

    public JsSession(ShellContext shell) {
        this.shell = shell;
        this.out = new LineStream(shell.output().out());
        this.err = new LineStream(shell.output().err());
    }

    /** Evaluates a {@code js} line (or block) on {@code lab} and prints its value. */
    public ScriptOutcome eval(String code, Lab lab) {
        Engine engine = JsRuntime.engine(shell.output());
        if (ended) {
            ended = false;
            shell.output().note("note: a new JavaScript session (the last one ended with exit() or a limit)");
        }
        if (lines == null) {
            lines = Sandbox.open(engine, out, err, ScriptLimits.DEFAULT, lab);
        }
        try {
            lines.bind(lab, List.of(), ScriptAccess.ANY);
            Source source = Source.newBuilder("js", code, LINE_NAME).buildLiteral();
            return ScriptExecution.run(lines, source, shell, s -> {
                out.flush();
                shell.output().out().println(s);
            });
        } finally {
            out.flush();
            err.flush();
            if (lines.closed()) {
                // closed now, not at the next line: what a session stopped for memory held is freed at once
                lines.close(true);
                lines = null;
                ended = true;
            }
        }
    }

    /**
     * Runs a script in a new context on {@code lab}.
     *
     * @param name what errors call it ({@code scripts/boot-storm.js})
     * @param code its text
     * @param args its {@code args}
     * @param access what of this machine its calls may name
     */
    public ScriptOutcome run(String name, String code, List<String> args, Lab lab, ScriptLimits limits,
            ScriptAccess access) {
        Engine engine = JsRuntime.engine(shell.output());
        ScriptContext sc = Sandbox.open(engine, out, err, limits, lab);
        try {
            sc.bind(lab, args, access);
            return ScriptExecution.run(sc, Source.newBuilder("js", code, name).buildLiteral(), shell, null);
        } finally {
            out.flush();
            err.flush();
            sc.close(true);
        }
    }

    @Override
    public void close() {
        if (lines != null) {
            lines.close(true);
            lines = null;
        }
    }
}
