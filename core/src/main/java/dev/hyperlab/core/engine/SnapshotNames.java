package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;

/**
 * What a snapshot's name and description may be, on every backend: a name is one word a shell can pass and a qcow2
 * snapshot table can hold; a description is one line.
 */
public final class SnapshotNames {
    /** Longest snapshot name: QEMU allows more, but names are typed and listed. */
    public static final int MAX_NAME = 128;
    public static final int MAX_DESCRIPTION = 1024;

    private SnapshotNames() {}

    /** Refuses a name that is empty, too long, has a space, a control character or a slash, or reads as an option. */
    public static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            throw LabException.invalid("a snapshot name must be 1 to " + MAX_NAME + " characters", "e.g. before-upgrade");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '/' || c == '\\') {
                throw LabException.invalid("snapshot name '" + name + "' has a space, a control character or a slash",
                        "use letters, digits and . _ - + : @");
            }
        }
        if (name.startsWith("-")) {
            throw LabException.invalid("snapshot name '" + name + "' starts with '-'", "it would read as an option");
        }
    }

    /** Refuses a description of more than one line or {@link #MAX_DESCRIPTION} characters. */
    public static void checkDescription(String description) {
        if (description.length() > MAX_DESCRIPTION || description.contains("\n")) {
            throw LabException.invalid("a snapshot description is one line of at most " + MAX_DESCRIPTION
                    + " characters", "shorten it");
        }
    }
}
