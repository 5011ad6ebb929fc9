package dev.hyperlab.api.lab;

/**
 * The globs of {@link VmFilter} and {@link HostFilter}: {@code *} any run of characters (none too), {@code ?} exactly
 * one, anything else itself. Matched without regular expressions, in time linear in name length times glob length,
 * whatever a script passes.
 */
final class NameGlob {
    private NameGlob() {}

    /** Whether {@code name} matches {@code glob}; an empty glob matches every name. */
    static boolean matches(String glob, String name) {
        if (glob.isEmpty()) {
            return true;
        }
        int g = 0;
        int n = 0;
        int star = -1; // where the last * was in the glob, and the name position it stood for
        int mark = 0;
        while (n < name.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == name.charAt(n))) {
                g++;
                n++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                mark = n;
            } else if (star >= 0) {
                g = star + 1; // the * takes one more character
                n = ++mark;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }
}
