package dev.hyperlab.core.qemu;

import java.util.regex.Pattern;

/** Console output made readable as lines: terminal escape sequences and carriage returns taken out. */
final class ConsoleLines {
    /** CSI sequences ({@code ESC [ ... letter}), and two-character escapes such as SeaBIOS's reset {@code ESC c}. */
    private static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]*[ -/]*[@-~]|\u001b[@-Z\\\\-_a-z]");

    private ConsoleLines() {}

    static String clean(String s) {
        return ESCAPES.matcher(s).replaceAll("").replace("\r", "");
    }
}
