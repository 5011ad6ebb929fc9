package dev.hyperlab.shell.render;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text from the lab made safe for a terminal. Names, descriptions and paths can come from hostile files (a snapshot
 * name in a qcow2 image, a backing file name, a description in a backup manifest): a control character in them could
 * move the cursor, clear the screen, retitle the window or hide what follows. So every control character is shown
 * escaped, as {@code ls -b} and {@code qemu-img info} do it: {@code \x1b}, {@code \n}, {@code \t}, and the bidirectional
 * overrides that reorder what is shown ({@code \u202e}). Colour sequences (SGR, {@code ESC [ ... m}), which the shell's
 * own {@link Style} puts in cells, are kept: the worst they can do is colour text. JSON output needs none of this
 * (Jackson escapes control characters in strings).
 *
 * <pre>{@code
 * Printable.of("a\u001b[2Jb")   // "a\\x1b[2Jb"
 * Printable.of(style.red("x"))  // unchanged
 * }</pre>
 */
public final class Printable {
    private static final Pattern SGR = Pattern.compile("\u001b\\[[0-9;]*m");

    private Printable() {}

    /** {@code s} with every control character but colour sequences escaped; {@code s} itself when it has none. */
    public static String of(String s) {
        if (s == null || s.chars().noneMatch(Printable::unsafe)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        Matcher sgr = SGR.matcher(s);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\u001b' && sgr.find(i) && sgr.start() == i) {
                b.append(s, i, sgr.end());
                i = sgr.end();
                continue;
            }
            if (unsafe(c)) {
                b.append(switch (c) {
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c);
                });
            } else {
                b.append(c);
            }
            i++;
        }
        return b.toString();
    }

    private static boolean unsafe(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
