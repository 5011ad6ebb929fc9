package dev.hyperlab.shell;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.command.ShellHome;
import dev.hyperlab.shell.plugin.Plugins;
import dev.hyperlab.shell.render.AsciiGlyphs;
import dev.hyperlab.shell.render.Output;
import dev.hyperlab.shell.render.Style;
import dev.hyperlab.shell.repl.Repl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** Starts the REPL on the system terminal (kept apart from {@link Main} so batch modes never load JLine). */
final class Interactive {
    private Interactive() {}

    static int run(Invocation inv, Path dir, Supplier<Lab> opener, PrintWriter err,
            Plugins plugins) {
        // JLine 4 probes the terminal's grapheme-cluster and keyboard modes at start (up to 200 ms when the terminal
        // does not answer); the shell needs neither, so it does not ask (a -D on the command line still wins)
        if (System.getProperty(TerminalBuilder.PROP_GRAPHEME_CLUSTER) == null) {
            System.setProperty(TerminalBuilder.PROP_GRAPHEME_CLUSTER, "false");
        }
        Terminal terminal;
        try {
            terminal = TerminalBuilder.builder().system(true).name("hyperlab").build();
        } catch (IOException e) {
            err.println("error: cannot open the terminal: " + e.getMessage() + " (use -c or a command file)");
            return 1;
        }
        boolean colour = !Terminal.TYPE_DUMB.equals(terminal.getType()) && System.getenv("NO_COLOR") == null;
        PrintWriter screen = AsciiGlyphs.needed(AsciiGlyphs.localeCharset())
                ? new PrintWriter(new AsciiGlyphs(terminal.writer()), true) : terminal.writer();
        Output output = new Output(screen, err, colour ? Style.ANSI : Style.PLAIN, terminal::getWidth, true);
        try (terminal; ShellContext ctx = new ShellContext(opener, output, BuiltInCommands.catalog(), inv.debug(),
                plugins)) {
            ctx.labDirectory(dir);
            if (!Main.prepare(ctx, inv, dir, true)) {
                return 1;
            }
            String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
            return new Repl(ctx, terminal, name, ShellHome.history(), Main.stdoutIsTerminal()).run();
        } catch (IOException e) {
            return 0; // closing the terminal
        }
    }
}
