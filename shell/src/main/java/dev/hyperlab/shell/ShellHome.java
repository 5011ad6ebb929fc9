package dev.hyperlab.shell;

import java.nio.file.Path;

/**
 * Where the shell keeps its files: {@code ~/.hyperlab} ({@code $HYPERLAB_HOME} instead, if set), with the REPL's
 * {@code history}, its {@code plugins}, the default lab {@code labs/default} ({@code $HYPERLAB_LAB} instead, if set)
 * and the default backup repository {@code backups}.
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

    public static Path defaultLab() {
        String lab = System.getenv("HYPERLAB_LAB");
        return lab != null && !lab.isBlank() ? Path.of(lab) : dir().resolve("labs").resolve("default");
    }
}
