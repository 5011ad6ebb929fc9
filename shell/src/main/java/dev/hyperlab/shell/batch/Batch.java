package dev.hyperlab.shell.batch;

import dev.hyperlab.shell.command.Brackets;
import dev.hyperlab.shell.command.CommandGroup;
import dev.hyperlab.shell.command.Dispatcher;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.command.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;

/**
 * The batch modes ({@code -c}, a command file, piped stdin): commands run in order with no prompt and no colour;
 * the first error is printed on stderr and ends the run with status 1 (a command that ends with a status of its own,
 * as a script's {@code exit(7)}, ends it with that status); a run whose commands all succeeded ends with 0,
 * or 3 when one of them left something out ({@link ShellContext#markIncomplete}). A file or stdin is read line by line (a
 * command may go on over the next lines with a trailing backslash or an open quote), so piped commands run as they
 * arrive.
 */
public final class Batch {
    private Batch() {}

    /** Runs {@code text} ({@code ;} or newlines between commands); the exit status. */
    public static int run(ShellContext ctx, String text) {
        return new Dispatcher(ctx).runText(text) ? ctx.successStatus() : failed(ctx);
    }

    /**
     * Runs the commands read from {@code in}; the exit status. An error names where the failed command starts,
     * {@code SOURCE:LINE} ({@code source} is the file's name, or {@code stdin}).
     */
    public static int run(ShellContext ctx, Reader in, String source) throws IOException {
        Dispatcher dispatcher = new Dispatcher(ctx);
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        StringBuilder pending = new StringBuilder();
        int number = 0;
        int start = 1;
        String line;
        while ((line = lines.readLine()) != null) {
            number++;
            if (pending.isEmpty()) {
                start = number;
            }
            pending.append(line).append('\n');
            if (!complete(ctx, pending.toString())) {
                continue;
            }
            if (!dispatcher.runText(pending.toString(), source + ":" + start)) {
                return failed(ctx);
            }
            pending.setLength(0);
            if (ctx.exitRequested()) {
                return ctx.successStatus();
            }
        }
        return pending.isEmpty() || pending.toString().isBlank()
                || dispatcher.runText(pending.toString(), source + ":" + start) ? ctx.successStatus() : failed(ctx);
    }

    /** The status of a run the last command failed: that command's own (a script's exit(7)), else 1. */
    private static int failed(ShellContext ctx) {
        return ctx.status() > 0 ? ctx.status() : 1;
    }

    /**
     * Whether {@code text} is a whole command: a code command ({@code js}, {@code java}) when its brackets balance,
     * any other when no quote is open and no line ends in a backslash.
     */
    private static boolean complete(ShellContext ctx, String text) {
        String t = text.stripLeading();
        int end = 0;
        while (end < t.length() && !Character.isWhitespace(t.charAt(end))) {
            end++;
        }
        boolean code = ctx.catalog().find(t.substring(0, end)).map(CommandGroup::multiLine).orElse(false);
        return code ? Brackets.open(t).isEmpty() : Tokenizer.isComplete(text);
    }
}
