package dev.hyperlab.shell.command;

/**
 * Whether a block of JavaScript or Java code is finished: its brackets balance outside string literals and comments.
 * The REPL keeps reading lines while they do not, and so does a command file (kept free of JLine, which batch modes
 * never load).
 */
public final class Brackets {
    private Brackets() {}

    /**
     * The brackets still to close in {@code code}, innermost first ({@code "})"} for {@code f({}); empty when balanced.
     * Brackets inside string literals ('...', "...", `...`) and comments do not count.
     */
    public static String open(String code) {
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
