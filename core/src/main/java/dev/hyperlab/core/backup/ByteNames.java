package dev.hyperlab.core.backup;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * File names as people see and type them. Linux names are bytes; most are UTF-8, but any byte but {@code /} and NUL
 * may appear, newlines included. {@link #display} shows printable UTF-8 as it is, a backslash as {@code \\}, and every
 * other byte (control characters, bytes that are not UTF-8, invisible format characters that could disguise a name)
 * as {@code \xNN}: one line per name, unambiguous. {@link #parse} reads that form back, so what {@code backup ls}
 * prints can be typed as a path or pattern.
 */
public final class ByteNames {
    private ByteNames() {}

    /** The displayed form of {@code name}. */
    public static String display(byte[] name) {
        StringBuilder out = new StringBuilder(name.length + 8);
        int i = 0;
        while (i < name.length) {
            int b = name[i] & 0xff;
            if (b >= 0x20 && b < 0x7f) {
                if (b == '\\') {
                    out.append('\\');
                }
                out.append((char) b);
                i++;
                continue;
            }
            int len = sequence(name, i);
            int cp = len > 0 ? new String(name, i, len, StandardCharsets.UTF_8).codePointAt(0) : -1;
            if (len > 0 && visible(cp)) {
                out.appendCodePoint(cp);
                i += len;
            } else {
                out.append(String.format("\\x%02x", b));
                i++;
            }
        }
        return out.toString();
    }

    /** An absolute path of {@code names} from the root, each {@link #display}ed: {@code /} for none. */
    public static String displayPath(java.util.List<byte[]> names) {
        if (names.isEmpty()) {
            return "/";
        }
        StringBuilder b = new StringBuilder();
        for (byte[] n : names) {
            b.append('/').append(display(n));
        }
        return b.toString();
    }

    /** {@link #display} in quotes, at most 80 characters, for a one-line message. */
    static String quote(byte[] name) {
        String d = display(name);
        return "\"" + (d.length() > 80 ? d.substring(0, 80) + "..." : d) + "\"";
    }

    /** The bytes a displayed name stands for: {@code \\} is a backslash, {@code \xNN} a byte, the rest UTF-8. */
    public static byte[] parse(String shown) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(shown.length());
        for (int i = 0; i < shown.length(); ) {
            char c = shown.charAt(i);
            if (c == '\\' && i + 1 < shown.length() && shown.charAt(i + 1) == '\\') {
                out.write('\\');
                i += 2;
            } else if (c == '\\' && i + 3 < shown.length() && shown.charAt(i + 1) == 'x'
                    && hex(shown.charAt(i + 2)) >= 0 && hex(shown.charAt(i + 3)) >= 0) {
                out.write(hex(shown.charAt(i + 2)) << 4 | hex(shown.charAt(i + 3)));
                i += 4;
            } else {
                int cp = shown.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        return out.toByteArray();
    }

    static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : -1;
    }

    /** Length of the well-formed UTF-8 sequence of two or more bytes at {@code i}, or 0. */
    private static int sequence(byte[] s, int i) {
        int b = s[i] & 0xff;
        int len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
        if (len == 0 || i + len > s.length) {
            return 0;
        }
        for (int k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return 0;
            }
        }
        int b1 = s[i + 1] & 0xff;
        // overlong forms, surrogates and code points beyond U+10FFFF are not UTF-8
        if (b == 0xe0 && b1 < 0xa0 || b == 0xed && b1 >= 0xa0 || b == 0xf0 && b1 < 0x90 || b == 0xf4 && b1 >= 0x90) {
            return 0;
        }
        return len;
    }

    private static boolean visible(int cp) {
        int t = Character.getType(cp);
        return t != Character.CONTROL && t != Character.FORMAT && t != Character.LINE_SEPARATOR
                && t != Character.PARAGRAPH_SEPARATOR && t != Character.UNASSIGNED && t != Character.PRIVATE_USE;
    }
}
