package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The rule for names of hosts, VMs, snapshots and backups: 1 to 63 characters of letters, digits, {@code -},
 * {@code _} and {@code .}, starting with a letter or digit (so a name is always a safe file name too).
 *
 * <pre>{@code
 * Names.valid("web-01");   // true
 * Names.valid("../etc");   // false
 * Names.check("VM", name); // the name, or LabException with the rule
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public final class Names {

    private Names() {}

    /** Throws {@link LabException} ({@code INVALID}) unless {@code name} follows the rule. */
    public static String check(String what, String name) {
        if (!valid(name)) {
            throw LabException.invalid("'" + name + "' is not a valid " + what + " name",
                    "use 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit");
        }
        return name;
    }

    /** Whether {@code name} follows the rule (by hand rather than a regex: VMs are created by the hundred thousand). */
    public static boolean valid(String name) {
        if (name == null || name.isEmpty() || name.length() > 63) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
                return false;
            }
        }
        return true;
    }
}
