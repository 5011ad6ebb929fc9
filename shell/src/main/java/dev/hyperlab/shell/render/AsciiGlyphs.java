package dev.hyperlab.shell.render;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Replaces the few non-ASCII glyphs the shell itself prints (the micro sign of {@code µs}, the box-drawing lines of
 * trees and charts) with ASCII look-alikes, for a terminal whose encoding cannot show them: in a C or POSIX locale
 * (a container's default) the terminal's encoder would print each as {@code ?}, so {@code 85 µs} read {@code 85 ?s}.
 * Text that comes from the lab (names, descriptions) passes unchanged.
 */
public final class AsciiGlyphs extends FilterWriter {

    public AsciiGlyphs(Writer out) {
        super(out);
    }

    /**
     * The character set the terminal shows, as the locale says ({@code LANG}, {@code LC_ALL}): the JVM's
     * {@code stdout.encoding} (or {@code native.encoding}), not its default charset, which is UTF-8 whatever the locale
     * since JDK 18; JLine encodes for the latter, and a terminal in the C locale then shows each byte of a UTF-8 glyph
     * as {@code ?}.
     */
    public static java.nio.charset.Charset localeCharset() {
        String name = System.getProperty("stdout.encoding", System.getProperty("native.encoding", "UTF-8"));
        try {
            return java.nio.charset.Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return java.nio.charset.StandardCharsets.US_ASCII; // a locale the JVM does not know: the safe glyphs
        }
    }

    /** Whether the shell's glyphs survive {@code encoding}; when not, its output goes through this writer. */
    public static boolean needed(java.nio.charset.Charset encoding) {
        return !encoding.newEncoder().canEncode("µ─│└├");
    }

    static char ascii(char c) {
        return switch (c) {
            case 'µ' -> 'u';
            case '─' -> '-';
            case '│', '├' -> '|';
            case '└' -> '`';
            default -> c;
        };
    }

    @Override
    public void write(int c) throws IOException {
        out.write(ascii((char) c));
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        char[] copy = new char[len];
        for (int i = 0; i < len; i++) {
            copy[i] = ascii(cbuf[off + i]);
        }
        out.write(copy, 0, len);
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
        char[] chars = new char[len];
        str.getChars(off, off + len, chars, 0);
        write(chars, 0, len);
    }
}
