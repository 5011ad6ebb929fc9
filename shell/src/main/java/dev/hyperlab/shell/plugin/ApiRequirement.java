package dev.hyperlab.shell.plugin;

import com.github.zafarkhaja.semver.Version;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a plugin's {@code plugin.requires} accepts this hyperlab's api version. The requirement is a semantic
 * version expression as PF4J writes them ({@code >=0.1.0 & <0.2.0}); a bare version means "built against this one":
 * the same major version (the same minor version while the major is 0, where minor releases may break), at least
 * that version, as npm's caret ranges do. Empty or {@code *} accepts any version.
 *
 * <pre>{@code
 * ApiRequirement.check("0.1.0", "0.1.0")          // empty: accepted
 * ApiRequirement.check(">=2.0.0", "0.1.0")        // "requires hyperlab api >=2.0.0; this hyperlab has api 0.1.0"
 * }</pre>
 */
final class ApiRequirement {
    private static final Pattern BARE = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    private ApiRequirement() {}

    /** The expression {@code requires} stands for. */
    static String expression(String requires) {
        String r = requires == null ? "" : requires.trim();
        Matcher m = BARE.matcher(r);
        if (!m.matches()) {
            return r;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return ">=" + r + " & <" + (major == 0 ? "0." + (minor + 1) + ".0" : (major + 1) + ".0.0");
    }

    /** Why {@code requires} refuses api version {@code api}; empty when it accepts it. */
    static Optional<String> check(String requires, String api) {
        String expr = expression(requires);
        if (expr.isEmpty() || expr.equals("*")) {
            return Optional.empty();
        }
        boolean ok;
        try {
            ok = Version.parse(api).satisfies(expr);
        } catch (RuntimeException e) {
            return Optional.of("has plugin.requires '" + requires + "', which is not a version expression"
                    + " (e.g. 0.1.0 or >=0.1.0 & <0.2.0)");
        }
        if (ok) {
            return Optional.empty();
        }
        String shown = expr.equals(requires.trim()) ? requires.trim() : requires.trim() + " (" + expr + ")";
        return Optional.of("requires hyperlab api " + shown + "; this hyperlab has api " + api);
    }
}
