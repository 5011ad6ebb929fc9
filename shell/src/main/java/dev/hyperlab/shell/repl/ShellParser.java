package dev.hyperlab.shell.repl;

import dev.hyperlab.shell.command.Brackets;
import dev.hyperlab.shell.command.CommandCatalog;
import dev.hyperlab.shell.command.CommandGroup;
import java.util.function.Supplier;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.DefaultParser;

/**
 * The REPL's line parser: JLine's default word splitting for commands (quotes, escapes; an open quote continues on
 * the next line), and code lines ({@link CodeLine}) for the groups whose argument is code ({@link
 * CommandGroup#multiLine()}: {@code js}, {@code java}) and for every line of a code mode: code is not split into
 * shell words, and while its brackets are open, Enter continues the block on a new line instead of running it.
 */
public final class ShellParser extends DefaultParser {
    private final CommandCatalog catalog;
    private final Supplier<String> codeMode;

    public ShellParser(CommandCatalog catalog) {
        this(catalog, () -> null);
    }

    /**
     * @param codeMode the code group the REPL is in ({@code js} or {@code java} typed alone: every line is code of
     *     that group), or null when lines are commands
     */
    public ShellParser(CommandCatalog catalog, Supplier<String> codeMode) {
        this.catalog = catalog;
        this.codeMode = codeMode;
        setEofOnUnclosedQuote(true);
        setEofOnEscapedNewLine(true);
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
        String mode = codeMode.get();
        int codeStart = 0;
        String group = mode;
        if (mode == null) {
            String stripped = line.stripLeading();
            String first = stripped.split("\\s+", 2)[0];
            if (!catalog.find(first).map(CommandGroup::multiLine).orElse(false)
                    || stripped.length() == first.length()) {
                return super.parse(line, cursor, context); // a command (or a code group's name alone)
            }
            group = first;
            codeStart = line.length() - stripped.length() + first.length() + 1;
        }
        if (context == ParseContext.ACCEPT_LINE) {
            String missing = openBrackets(line.substring(Math.min(codeStart, line.length())));
            if (!missing.isEmpty()) {
                throw new EOFError(-1, -1, "open bracket", missing);
            }
        }
        return new CodeLine(group, line, cursor, codeStart);
    }

    /**
     * The brackets still to close in {@code code}, innermost first; empty when balanced (see {@link Brackets#open}).
     */
    public static String openBrackets(String code) {
        return Brackets.open(code);
    }
}
