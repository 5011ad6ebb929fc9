package dev.hyperlab.shell.command;

import dev.hyperlab.shell.error.ShellException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits command text the way a POSIX shell would, minus expansions: words separated by blanks, {@code '...'} and
 * {@code "..."} quoting, backslash escapes; {@code ;} and newlines separate commands; a line whose first word starts
 * with {@code #} is a comment.
 *
 * <pre>{@code
 * Tokenizer.commands("vm start web1; timeline web1")   // [[vm, start, web1], [timeline, web1]]
 * }</pre>
 */
public final class Tokenizer {
    private Tokenizer() {}

    /** One command's words; {@code ;} is an error here (use {@link #commands}). */
    public static List<String> words(String text) {
        List<List<String>> all = commands(text);
        if (all.size() > 1) {
            throw new ShellException("one command expected, found " + all.size(), "remove the ';'");
        }
        return all.isEmpty() ? List.of() : all.getFirst();
    }

    /** The commands in {@code text}, each a list of words; blank commands and comments are dropped. */
    public static List<List<String>> commands(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean comment = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (comment) {
                if (c == '\n') {
                    comment = false;
                    end(out, words);
                    words = new ArrayList<>();
                }
                i++;
                continue;
            }
            if (c == '#' && word == null && words.isEmpty()) {
                comment = true;
                i++;
                continue;
            }
            if (c == ';' || c == '\n' || c == '\r') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                end(out, words);
                words = new ArrayList<>();
                i++;
                continue;
            }
            if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                i++;
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\'' || c == '"') {
                int close = closing(text, i);
                if (close < 0) {
                    throw new ShellException("unclosed " + (c == '"' ? "double" : "single") + " quote",
                            "close the quote opened at '" + text.substring(i, Math.min(text.length(), i + 12)) + "'");
                }
                String inner = text.substring(i + 1, close);
                word.append(c == '"' ? unescape(inner) : inner);
                i = close + 1;
            } else if (c == '\\' && i + 1 < text.length()) {
                char n = text.charAt(i + 1);
                if (n == '\n') {
                    i += 2; // line continuation
                    if (word.isEmpty()) {
                        word = null;
                    }
                    continue;
                }
                word.append(n);
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        end(out, words);
        return out;
    }

    private static void end(List<List<String>> out, List<String> words) {
        if (!words.isEmpty()) {
            out.add(List.copyOf(words));
        }
    }

    /** Index of the quote closing the one at {@code open}, or -1. Double quotes honour backslash escapes. */
    static int closing(String text, int open) {
        char q = text.charAt(open);
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (q == '"' && c == '\\') {
                i++;
            } else if (c == q) {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                b.append(s.charAt(++i));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Whether {@code text} ends a command: no quote left open and no trailing backslash (a command file's command
     * may continue over the next lines).
     */
    public static boolean isComplete(String text) {
        String t = text.stripTrailing();
        if (t.endsWith("\\") && !t.endsWith("\\\\")) {
            return false;
        }
        boolean comment = false;
        boolean start = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (comment) {
                comment = c != '\n';
                start = !comment;
                continue;
            }
            if (c == '#' && start) {
                comment = true;
                continue;
            }
            if (c == '\\') {
                i++;
                start = false;
                continue;
            }
            if (c == '\'' || c == '"') {
                int close = closing(text, i);
                if (close < 0) {
                    return false;
                }
                i = close;
                start = false;
                continue;
            }
            start = c == '\n' || c == ';' || (start && Character.isWhitespace(c));
        }
        return true;
    }

    /** Quotes a word for display if it needs it, so it reads back as the same word. */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> Character.isWhitespace(c) || "'\"\\;#".indexOf(c) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
