package dev.hyperlab.shell.command;

import java.nio.file.Path;

/**
 * Where the shell keeps its files: {@code ~/.hyperlab} ({@code $HYPERLAB_HOME} instead, if set), with the REPL's
 * {@code history}, its {@code plugins}, the labs kept by name ({@code labs/NAME}, the default lab is the one named
 * {@code default}, or {@code $HYPERLAB_LAB} if set) and the default backup repository {@code backups}.
 */
public final class ShellHome {
    private ShellHome() {}

    public static Path dir() {
        String home = System.getenv("HYPERLAB_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home);
        }
        String user = System.getenv("HOME");
        return Path.of(user != null && !user.isBlank() ? user : System.getProperty("user.home"), ".hyperlab");
    }

    public static Path history() {
        return dir().resolve("history");
    }

    /** The backup repository the {@code backup} commands use without {@code --repo}: {@code backups} in here. */
    public static Path defaultBackups() {
        return dir().resolve("backups");
    }

    /** Where {@code plugin install} puts plugins, and the first place plugins are loaded from. */
    public static Path plugins() {
        return dir().resolve("plugins");
    }

    /** Where the labs kept by name live: {@code labs} in here. */
    public static Path labs() {
        return dir().resolve("labs");
    }

    public static Path defaultLab() {
        String lab = System.getenv("HYPERLAB_LAB");
        return lab(lab != null && !lab.isBlank() ? lab : "default");
    }

    /**
     * The lab directory {@code --lab} names: a bare name (no {@code /}) is a lab kept in {@link #labs()}; a path
     * ({@code ./x}, {@code /x}, {@code a/b}, {@code .}, {@code ..}) is that directory, relative to the working one.
     */
    public static Path lab(String given) {
        boolean path = given.contains("/") || given.contains(java.io.File.separator) || given.equals(".")
                || given.equals("..");
        return path ? Path.of(given) : labs().resolve(given);
    }
}
