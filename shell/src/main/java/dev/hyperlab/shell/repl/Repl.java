package dev.hyperlab.shell.repl;

import dev.hyperlab.shell.command.CommandGroup;
import dev.hyperlab.shell.command.Dispatcher;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Style;
import dev.hyperlab.shell.render.Times;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.widget.AutosuggestionWidgets;

/**
 * The interactive shell: a JLine line reader with history ({@code ~/.hyperlab/history}), Tab completion,
 * highlighting, autosuggestions from history and multi-line blocks, over the same {@link Dispatcher} as the batch
 * modes. Each command runs on a command thread; Ctrl-C while it runs asks it to stop at a safe point (a wait or an
 * advance ends where it got to, the lab consistent), Ctrl-C at the prompt clears the line, Ctrl-D leaves.
 */
public final class Repl {
    private final ShellContext ctx;
    private final Terminal terminal;
    private final String labName;
    private final Path historyFile;
    private final ExecutorService commandThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hyperlab-command");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;
    /** The code group every line goes to ({@code js} or {@code java} typed alone), or null for commands. */
    private volatile String codeMode;

    private final boolean drawProgress;

    /** With {@code drawProgress} false (output that is not a terminal) long waits draw no progress line. */
    public Repl(ShellContext ctx, Terminal terminal, String labName, Path historyFile, boolean drawProgress) {
        this.ctx = ctx;
        this.terminal = terminal;
        this.labName = labName;
        this.historyFile = historyFile;
        this.drawProgress = drawProgress;
    }

    /** Reads and runs commands until Ctrl-D or {@code exit}; the exit status (0). */
    public int run() {
        LineReader reader = reader();
        Thread.ofPlatform().name("hyperlab-warm-up").daemon().start(() -> { // so the first Tab is instant
            try {
                ctx.commands().buildAll();
            } catch (RuntimeException e) {
                // the session ended first (a closed terminal): nothing to warm up any more
            }
        });
        // mask 0: JLine echoes nothing and keeps the line out of the history
        ctx.passwordReader(prompt -> {
            try {
                return reader.readLine(prompt, (char) 0);
            } catch (UserInterruptException | EndOfFileException e) {
                return null;
            }
        });
        ProgressBar bar = new ProgressBar(terminal.writer(), terminal::getWidth);
        ctx.progressView(drawProgress ? bar : null);
        terminal.handle(Terminal.Signal.INT, signal -> {
            if (running) {
                ctx.requestCancel();
            }
        });
        Dispatcher dispatcher = new Dispatcher(ctx);
        while (!ctx.exitRequested()) {
            String line;
            try {
                line = reader.readLine(prompt());
            } catch (UserInterruptException e) {
                continue; // Ctrl-C at the prompt: a fresh line
            } catch (EndOfFileException e) {
                if (codeMode != null) {
                    codeMode = null; // Ctrl-D in a code mode: back to commands
                    continue;
                }
                break; // Ctrl-D
            }
            if (line.isBlank()) {
                continue;
            }
            String mode = codeMode;
            if (mode != null && line.strip().equals(".exit")) {
                codeMode = null;
                continue;
            }
            if (mode == null && enterCodeMode(line.strip())) {
                continue;
            }
            execute(dispatcher, mode == null ? line : mode + " " + line, bar);
        }
        commandThread.shutdownNow();
        return 0;
    }

    private void execute(Dispatcher dispatcher, String line, ProgressBar bar) {
        running = true;
        Future<Boolean> done = commandThread.submit(() -> dispatcher.runText(line));
        try {
            while (true) {
                try {
                    done.get();
                    break;
                } catch (InterruptedException e) {
                    ctx.requestCancel();
                }
            }
        } catch (ExecutionException e) {
            ctx.output().error("internal error: " + e.getCause());
        } finally {
            running = false;
            bar.clear();
            ctx.output().flush();
        }
    }

    /** {@code js} or {@code java} alone: every line is code of that language until {@code .exit} or Ctrl-D. */
    private boolean enterCodeMode(String line) {
        Optional<CommandGroup> group = ctx.catalog().find(line);
        if (group.isEmpty() || !group.get().multiLine()) {
            return false;
        }
        codeMode = group.get().name();
        ctx.output().note("note: " + (line.equals("js") ? "JavaScript" : line.equals("java") ? "Java" : line)
                + " mode: each line (or block, while brackets are open) is " + line + " code, `lab` bound; "
                + ".exit or Ctrl-D returns to commands");
        return true;
    }

    private LineReader reader() {
        try {
            Files.createDirectories(historyFile.getParent());
        } catch (IOException e) {
            ctx.output().note("note: no history file (" + historyFile.getParent() + ": " + e.getMessage() + ")");
        }
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("hyperlab")
                .completer(new ShellCompleter(ctx))
                .highlighter(new ShellHighlighter(ctx, () -> codeMode))
                .parser(new ShellParser(ctx.catalog(), () -> codeMode))
                .variable(LineReader.HISTORY_FILE, historyFile)
                .variable(LineReader.HISTORY_FILE_SIZE, 10_000)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, "%P... ")
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // '!' is text, not history expansion
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
                .build();
        new AutosuggestionWidgets(reader).enable();
        return reader;
    }

    private String prompt() {
        Style style = ctx.output().style();
        String time = ctx.openLab().map(l -> Times.at(l.now())).orElse("");
        String mode = codeMode;
        return style.cyan(labName) + (time.isEmpty() ? "" : " " + style.dim(time))
                + (mode == null ? "" : " " + style.bold(mode)) + "> ";
    }
}
