package dev.hyperlab.core.backup;

import java.util.regex.Pattern;

/**
 * The one rule for disk names, kept where backups are made, where manifests are read and where restores name files:
 * a name is a plain file name, so {@code DIR/NAME.raw} is always a file directly inside {@code DIR}. That rules out
 * path separators, {@code .} and {@code ..}, absolute paths, control characters, empty and over-long names.
 */
final class DiskNames {
    /** Letters, digits, {@code .}, {@code _} and {@code -}, at most 64, not starting with a dot or a dash. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** What the rule is, for messages. */
    static final String RULE = "letters, digits, '.', '_' and '-', at most 64, starting with a letter or digit";

    private DiskNames() {}

    static boolean valid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * {@code s} quoted for a one-line message: printable ASCII as it is, anything else as {@code \\uXXXX}, at most 80
     * characters, so a hostile name cannot break the line or drive the terminal.
     */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.append(s.length() > 80 ? "...\"" : "\"").toString();
    }
}
