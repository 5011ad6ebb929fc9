package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup init DIR|s3:URL [--encrypt]}, as {@code restic init}. */
@Command(name = "init", description = {"Create a backup repository in DIR, which must not exist or be empty, or in an"
        + " S3-compatible bucket: s3:http://HOST:PORT/BUCKET/PREFIX (or s3:https://...), credentials from"
        + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
        "With --encrypt every file is sealed with AES-256-GCM under a key derived from a password (Argon2id): "
                + "$HYPERLAB_PASSWORD, else typed twice without echo. A lost password cannot be recovered."})
final class BackupInit extends ChangeCommand {
    @Parameters(paramLabel = "DIR", description = "The new repository's directory, or s3:http://HOST:PORT/BUCKET/PREFIX.")
    String dir;

    @Option(names = "--encrypt", description = "Encrypt the repository with a password.")
    boolean encrypt;

    private Backups made;

    BackupInit(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        String password = "";
        if (encrypt) {
            password = ctx.password("new password for " + dir + ": ");
            if (System.getenv("HYPERLAB_PASSWORD") == null && !password.equals(ctx.password("again: "))) {
                throw new ShellException("the two passwords differ", "nothing was created; try again");
            }
        }
        made = lab.initBackups(dir, password);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        out().println((dryRun ? "would create " : "created ") + (encrypt ? "encrypted " : "") + "backup repository "
                + made.directory());
    }

    @Override
    protected boolean settles() {
        return false;
    }
}
