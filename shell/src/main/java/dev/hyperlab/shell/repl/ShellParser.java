package dev.hyperlab.shell.repl;

import dev.hyperlab.shell.command.CommandCatalog;
import dev.hyperlab.shell.command.CommandGroup;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.DefaultParser;

/**
 * The REPL's line parser: JLine's default word splitting (quotes, escapes; an open quote continues on the next
 * line), plus multi-line blocks for the groups that ask for them ({@link CommandGroup#multiLine()}: {@code js},
 * {@code java}): while brackets are open, Enter continues the block on a new line instead of running it.
 */
public final class ShellParser extends DefaultParser {
    private final CommandCatalog catalog;

    public ShellParser(CommandCatalog catalog) {
        this.catalog = catalog;
        setEofOnUnclosedQuote(true);
        setEofOnEscapedNewLine(true);
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
        if (context == ParseContext.ACCEPT_LINE) {
            String first = line.stripLeading().split("\\s+", 2)[0];
            boolean block = catalog.find(first).map(CommandGroup::multiLine).orElse(false);
            if (block) {
                String missing = openBrackets(line);
                if (!missing.isEmpty()) {
                    throw new EOFError(-1, -1, "open bracket", missing);
                }
            }
        }
        return super.parse(line, cursor, context);
    }

    /**
     * The brackets still to close in {@code code}, innermost first ({@code "})"} for {@code f({}); empty when balanced.
     * Brackets inside string literals ('...', "...", `...`) and comments do not count.
     */
    public static String openBrackets(String code) {
        StringBuilder open = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '/') {
                int nl = code.indexOf('\n', i);
                i = nl < 0 ? code.length() : nl;
                continue;
            }
            if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                if (end < 0) {
                    return "*/";
                }
                i = end + 1;
                continue;
            }
            switch (c) {
                case '\'', '"', '`' -> quote = c;
                case '(' -> open.append(')');
                case '[' -> open.append(']');
                case '{' -> open.append('}');
                case ')', ']', '}' -> {
                    if (!open.isEmpty() && open.charAt(open.length() - 1) == c) {
                        open.setLength(open.length() - 1);
                    }
                }
                default -> { }
            }
        }
        if (quote != 0) {
            open.append(quote);
        }
        return open.reverse().toString();
    }
}
