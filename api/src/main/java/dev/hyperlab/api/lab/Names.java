package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * The rule for names of hosts, VMs, snapshots and backups: 1 to 63 characters of letters, digits, {@code -},
 * {@code _} and {@code .}, starting with a letter or digit (so a name is always a safe file name too).
 */
@API(status = STABLE, since = "0.1")
public final class Names {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private Names() {}

    /** Throws {@link LabException} ({@code INVALID}) unless {@code name} follows the rule. */
    public static String check(String what, String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw LabException.invalid("'" + name + "' is not a valid " + what + " name",
                    "use 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit");
        }
        return name;
    }
}
