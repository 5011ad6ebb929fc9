package dev.hyperlab.shell.repl;

import dev.hyperlab.shell.command.CommandGroup;
import dev.hyperlab.shell.command.ShellContext;
import java.util.Optional;
import java.util.function.Supplier;
import org.jline.reader.Highlighter;
import org.jline.reader.LineReader;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Colours the line as it is typed: known commands and verbs bold, an unknown command red once it cannot become a
 * known one, options cyan, quoted text yellow. {@code ;} starts a new command.
 */
public final class ShellHighlighter implements Highlighter {
    private static final AttributedStyle COMMAND = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
    private static final AttributedStyle UNKNOWN = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
    private static final AttributedStyle OPTION = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    private static final AttributedStyle QUOTED = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);

    private final ShellContext ctx;
    private final Supplier<String> codeMode;

    public ShellHighlighter(ShellContext ctx) {
        this(ctx, () -> null);
    }

    /** @param codeMode the code group the REPL is in, or null: code is not coloured as commands */
    public ShellHighlighter(ShellContext ctx, Supplier<String> codeMode) {
        this.ctx = ctx;
        this.codeMode = codeMode;
    }

    @Override
    public AttributedString highlight(LineReader reader, String buffer) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (codeMode.get() != null) {
            return b.append(buffer).toAttributedString();
        }
        String stripped = buffer.stripLeading();
        String first = stripped.split("\\s+", 2)[0];
        if (ctx.catalog().find(first).map(CommandGroup::multiLine).orElse(false)) {
            // a code command: its name, then code, which is not shell words
            int at = buffer.length() - stripped.length();
            return b.append(buffer.substring(0, at)).styled(COMMAND, first)
                    .append(buffer.substring(at + first.length())).toAttributedString();
        }
        int wordNo = 0;
        CommandSpec spec = null;
        int i = 0;
        while (i < buffer.length()) {
            char c = buffer.charAt(i);
            if (Character.isWhitespace(c)) {
                b.append(c);
                i++;
                continue;
            }
            if (c == ';') {
                b.append(c);
                i++;
                wordNo = 0;
                spec = null;
                continue;
            }
            int end = wordEnd(buffer, i);
            String word = buffer.substring(i, end);
            boolean last = end == buffer.length();
            AttributedStyle style = AttributedStyle.DEFAULT;
            if (c == '\'' || c == '"') {
                style = QUOTED;
            } else if (word.startsWith("-")) {
                style = OPTION;
            } else if (wordNo == 0) {
                Optional<CommandGroup> g = ctx.catalog().find(word);
                if (g.isPresent()) {
                    style = COMMAND;
                    spec = ctx.commands().line(g.get()).getCommandSpec();
                } else if (!last || ctx.catalog().names().stream().noneMatch(n -> n.startsWith(word))) {
                    style = UNKNOWN;
                }
            } else if (spec != null && !spec.subcommands().isEmpty()) {
                if (spec.subcommands().containsKey(word)) {
                    style = COMMAND;
                    spec = spec.subcommands().get(word).getCommandSpec();
                } else if (!last || spec.subcommands().keySet().stream().noneMatch(n -> n.startsWith(word))) {
                    style = UNKNOWN;
                }
            }
            b.styled(style, word);
            wordNo++;
            i = end;
        }
        return b.toAttributedString();
    }

    /** The end of the word starting at {@code i}: the next blank or {@code ;} outside quotes. */
    private static int wordEnd(String s, int i) {
        char quote = 0;
        int j = i;
        while (j < s.length()) {
            char c = s.charAt(j);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    j++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (Character.isWhitespace(c) || c == ';') {
                return j;
            }
            j++;
        }
        return s.length();
    }
}
