package dev.hyperlab.shell.render;

/**
 * How text is decorated: ANSI colours on a terminal, nothing in batch modes (scripts and logs get plain text).
 * Every colour the shell uses is named here, so the look stays consistent across commands.
 */
public final class Style {
    /** Plain text: what batch modes, pipes and files get. */
    public static final Style PLAIN = new Style(false);

    /** ANSI colours: what a terminal gets. */
    public static final Style ANSI = new Style(true);

    private final boolean ansi;

    private Style(boolean ansi) {
        this.ansi = ansi;
    }

    public boolean ansi() {
        return ansi;
    }

    public String bold(String s) {
        return wrap("1", s);
    }

    public String dim(String s) {
        return wrap("2", s);
    }

    public String red(String s) {
        return wrap("31", s);
    }

    public String green(String s) {
        return wrap("32", s);
    }

    public String yellow(String s) {
        return wrap("33", s);
    }

    public String cyan(String s) {
        return wrap("36", s);
    }

    /** A state as people scan for it: running green, on the way yellow, failed red, the rest plain. */
    public String state(String id) {
        return switch (id) {
            case "running" -> green(id);
            case "starting", "booting", "paused", "suspended" -> yellow(id);
            case "crashed", "failed" -> red(id);
            default -> id;
        };
    }

    /** Colours by what bound a boot phase (the timeline's legend): SGR codes for a foreground colour. */
    public static String boundColour(String boundBy) {
        return switch (boundBy) {
            case "cpu" -> "33";      // yellow
            case "disk" -> "34";     // blue
            case "memory" -> "35";   // magenta
            case "network" -> "36";  // cyan
            default -> "37";         // fixed: grey
        };
    }

    /** Text in the colour of a bound; plain text stays as it is. */
    public String bound(String boundBy, String s) {
        return wrap(boundColour(boundBy), s);
    }

    private String wrap(String sgr, String s) {
        return ansi && !s.isEmpty() ? "\u001b[" + sgr + "m" + s + "\u001b[0m" : s;
    }

    /** The width of {@code s} on screen: its length without ANSI escape sequences. */
    public static int width(String s) {
        int w = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\u001b') {
                while (i < s.length() && s.charAt(i) != 'm') {
                    i++;
                }
            } else if (!Character.isLowSurrogate(c)) {
                w++;
            }
        }
        return w;
    }
}
