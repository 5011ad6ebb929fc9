package dev.hyperlab.shell.repl;

import java.util.List;
import org.jline.reader.CompletingParsedLine;

/**
 * A line of code ({@code js ...}, {@code java ...}, or any line in a code mode) as the line reader sees it: not shell
 * words (quotes and parentheses are the code's), one word being the identifiers and dots just before the cursor,
 * which is what Tab completes and replaces. Quotes are never escaped in what completion inserts. It is a
 * {@link CompletingParsedLine} so that the line reader hands it to the completer as it is: a plain {@code ParsedLine}
 * is wrapped in one of the reader's own, and the completer would not see code.
 *
 * @param group the code group ({@code java}, {@code js})
 * @param line the whole line
 * @param cursor the cursor in it
 * @param codeStart where the code starts (after {@code java }, or 0 in a code mode)
 */
record CodeLine(String group, String line, int cursor, int codeStart) implements CompletingParsedLine {
    /** Where the word before the cursor starts. */
    int wordStart() {
        int i = Math.min(cursor, line.length());
        while (i > codeStart && (Character.isJavaIdentifierPart(line.charAt(i - 1)) || line.charAt(i - 1) == '.')) {
            i--;
        }
        return i;
    }

    /** The code alone. */
    String code() {
        return line.substring(Math.min(codeStart, line.length()));
    }

    @Override
    public String word() {
        return line.substring(wordStart(), Math.min(cursor, line.length()));
    }

    @Override
    public int wordCursor() {
        return Math.min(cursor, line.length()) - wordStart();
    }

    /** The group's name (when typed) and the word before the cursor: the only words code has for the reader. */
    @Override
    public List<String> words() {
        return codeStart > 0 ? List.of(group, word()) : List.of(word());
    }

    @Override
    public int wordIndex() {
        return words().size() - 1;
    }

    /** Code is inserted as it is: no shell quoting. */
    @Override
    public CharSequence escape(CharSequence candidate, boolean complete) {
        return candidate;
    }

    @Override
    public int rawWordCursor() {
        return wordCursor();
    }

    @Override
    public int rawWordLength() {
        return word().length();
    }
}
