package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.shell.command.ShellHome;
import dev.hyperlab.shell.command.ShellContext;

/** Opening the repository a {@code backup} command names: {@code --repo DIR} or the default, with a password if asked. */
final class Repos {
    /** How the facade says a repository needs a password (then asked for, once). */
    private static final String NEEDS_PASSWORD = "is encrypted: a password is needed";

    private Repos() {}

    /** {@code repo} or, when empty, the default repository. */
    static String dir(String repo) {
        return repo == null || repo.isEmpty() ? ShellHome.defaultBackups().toString() : repo;
    }

    /**
     * The repository in {@code repo} (or the default). With {@code $HYPERLAB_PASSWORD} set it is opened with that
     * password only: a user who holds a password expects an encrypted repository, and the repository refuses one that
     * says it is not (an attacker who deletes its key files and the config's MAC must not get plaintext backups
     * accepted). Without it, the repository is opened without a password first, then, if it is encrypted, with one
     * typed without echo.
     */
    static Backups open(ShellContext ctx, Lab lab, String repo) {
        return open(ctx, lab, repo, "HYPERLAB_PASSWORD");
    }

    /** {@link #open(ShellContext, Lab, String)} with the password in {@code variable} (the source of a copy's own). */
    static Backups open(ShellContext ctx, Lab lab, String repo, String variable) {
        String dir = dir(repo);
        String env = System.getenv(variable);
        if (env != null && !env.isEmpty()) { // empty is unset, as ShellContext.password reads it
            return lab.backups(dir, ctx.password("password for " + dir + ": ", variable));
        }
        try {
            return lab.backups(dir, "");
        } catch (LabException e) {
            if (!e.getMessage().contains(NEEDS_PASSWORD)) {
                throw e;
            }
        }
        return lab.backups(dir, ctx.password("password for " + dir + ": ", variable));
    }
}
