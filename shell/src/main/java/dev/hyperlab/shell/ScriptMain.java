package dev.hyperlab.shell;

import dev.hyperlab.shell.command.Dispatcher;
import dev.hyperlab.shell.command.ShellContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code hyperlab run SCRIPT.js [ARGS...]}: the {@code run} command in batch mode (the same command the REPL runs),
 * with the script's status as the process's. Ctrl-C asks the script to stop (it ends with an error line and the lab
 * consistent, every change until then saved); a second Ctrl-C ends the process at once.
 */
final class ScriptMain {
    private ScriptMain() {}

    static int run(ShellContext ctx, List<String> runArgs) {
        List<String> words = new ArrayList<>(List.of("run"));
        words.addAll(runArgs);
        AtomicBoolean asked = new AtomicBoolean();
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
                if (asked.getAndSet(true)) {
                    Runtime.getRuntime().halt(130);
                }
                ctx.requestCancel();
            });
        } catch (IllegalArgumentException e) {
            // no SIGINT to take over here (a JVM started with -Xrs): Ctrl-C ends the process as usual
        }
        boolean ok = new Dispatcher(ctx).run(words);
        return ok ? 0 : ctx.status() == 0 ? 1 : ctx.status();
    }
}
