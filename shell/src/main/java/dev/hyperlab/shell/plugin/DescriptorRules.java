package dev.hyperlab.shell.plugin;

import com.github.zafarkhaja.semver.Version;
import dev.hyperlab.core.guard.Sanity;
import java.util.Optional;
import java.util.regex.Pattern;
import org.pf4j.PluginDescriptor;

/**
 * What a plugin's descriptor ({@code plugin.properties}, or the manifest of a jar) must say before anything of the
 * plugin is copied or run: an id of letters, digits, '.', '_' and '-'; a semantic version; a {@code plugin.requires}
 * this hyperlab's api meets ({@link ApiRequirement}). {@code plugin install} checks it first; a plugin dropped into a
 * plugin directory by hand is refused on the same grounds when it is loaded.
 *
 * <pre>{@code
 * DescriptorRules.problem(descriptor, "0.1.0")  // "plugin 'x' has plugin.version 'banana', which is not a semantic ..."
 * }</pre>
 */
final class DescriptorRules {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private DescriptorRules() {}

    /** What is wrong with {@code d} for a hyperlab with api {@code api}, as one line; empty when it is fine. */
    static Optional<String> problem(PluginDescriptor d, String api) {
        return malformed(d).or(() -> ApiRequirement.check(d.getRequires(), api)
                .map(r -> "plugin '" + d.getPluginId() + "' " + d.getVersion() + " " + r));
    }

    /** What is wrong with {@code d}'s id or version, whatever the api; empty when they are fine. */
    static Optional<String> malformed(PluginDescriptor d) {
        String id = d.getPluginId();
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.of("plugin.id " + quoted(id) + " is not 1 to 64 letters, digits, '.', '_' and '-'"
                    + " starting with a letter or digit");
        }
        String version = d.getVersion();
        if (version == null || version.length() > 100 || !Version.isValid(version, true)) {
            return Optional.of("plugin '" + id + "' has plugin.version " + quoted(version) + ", which is not a"
                    + " semantic version (e.g. 1.0.0 or 0.2.0-beta.1)");
        }
        return Optional.empty();
    }

    private static String quoted(String s) {
        return s == null || s.isEmpty() ? "(none)" : "'" + Sanity.printable(s) + "'";
    }
}
