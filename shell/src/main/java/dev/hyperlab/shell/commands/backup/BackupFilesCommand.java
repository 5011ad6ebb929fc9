package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.BackupInfo;
import dev.hyperlab.api.lab.FileBackupRun;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Plural;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup files PATH... [--exclude PATTERN]... [--repo DIR]}, as {@code restic backup}. */
@Command(name = "files", description = {"Back up files of the machine hyperlab runs on (not of the lab) into the "
        + "repository, as restic and borg do: permissions, owners, times, symbolic links, hard links, sparse files "
        + "and extended attributes are kept, contents are cut into content-defined chunks stored once (shared with "
        + "the VM backups' blobs). Paths are recreated as they are: backup files /etc holds /etc/...",
        "Incremental: the host's newest file backup of the same paths (else of any paths) is the parent, as restic "
                + "picks it, and a file whose size, modification and change times and inode are unchanged since is not "
                + "read again.",
        "Files that vanish or cannot be read (permission denied) are left out with a warning; files that change "
                + "while read are kept as read, with a warning. When something was left out the backup is still "
                + "made, the commands after it run, and a batch run (-c, a command file) ends with exit status 3 (as "
                + "restic). Takes no lab time.",
        "A pattern is matched against each entry's absolute path: * (within a name), ?, [a-z], ** (any names); "
                + "/var/cache/** is anchored at the root, *.tmp matches at every depth; \\xNN stands for a byte."})
final class BackupFilesCommand extends ChangeCommand {

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories to back up.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "PATTERN", description = "Leave out what matches (repeatable).")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--repo", paramLabel = "DIR", description = "The repository (default ~/.hyperlab/backups).")
    String repo = "";

    @Option(names = "--json", description = "Print what the backup did as one JSON "
            + "object, the facade's FileBackupRun: as restic backup --json's summary.")
    boolean json;

    /**
     * Up to this many bytes read, a backup with a parent counts as light for the JIT hint ({@link #hint}): with C1 alone
     * the unchanged second backup of /usr/share took 1.6 CPU-s against 2.5 with C2 (its fixed part: start-up code C2
     * compiled for nothing), while a first backup took 16.7 against 7.5 (SHA-256 and AES-GCM without C2's intrinsics:
     * ~15 ms more per MiB read), so C1 alone pays only below ~60 MiB read (docs/performance.md, issue 18).
     */
    static final long LIGHT_BYTES = 32L << 20;

    private FileBackupRun done;

    BackupFilesCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        jsonExcludesDryRun(json, "reports what was done");
        done = Repos.open(ctx, lab, repo).backupFiles(paths, excludes);
        String hint = System.getProperty("hyperlab.files.lightHint");
        if (hint != null && !hint.isEmpty() && !done.backup().id().isEmpty()) {
            String dir = Repos.dir(repo);
            hint(Path.of(hint), done, dir.startsWith("s3:") ? null
                    : Path.of(dir).toAbsolutePath().normalize().resolve("backups")
                            .resolve(done.backup().id()));
        }
    }

    /**
     * The launcher's JIT hint for the next run of the same {@code backup files} line (the launcher names the file from
     * the line and the working directory, and starts that next run with C1 alone while the file names a backup that
     * still exists: the next run's parent, most likely). Written after a backup that leaves the next one light (a first
     * backup of its paths: the next has it as parent; or one that read at most {@link #LIGHT_BYTES}), with the path of
     * its manifest {@code manifest}; removed after one whose parent still left much to read, or without a local
     * manifest (an object store). Only the JIT's choice depends on it, never what is stored; failures are ignored.
     */
    static void hint(Path file, FileBackupRun run, Path manifest) {
        BackupInfo.Files f = run.backup().files();
        boolean first = f.changedFiles() == 0 && f.unchangedFiles() == 0;
        try {
            if ((first || run.bytesRead() <= LIGHT_BYTES) && manifest != null
                    && Files.isRegularFile(manifest)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, manifest + "\n");
            } else {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            // no hint: the next run starts with both JIT tiers, as without one
        }
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (!dryRun && done.leftOut() > 0) {
            ctx.markIncomplete(); // the backup is made; the line goes on, and a batch run ends with status 3
        }
        if (json) {
            Json.write(done, out());
            return;
        }
        BackupInfo b = done.backup();
        String counts = counts(b.files());
        if (dryRun) {
            out().println(b.vm() + ": would back up " + counts + "; would read " + Sizes.format(done.bytesToRead()));
        } else {
            out().println(b.vm() + ": backup " + b.shortId() + " (files): " + counts + "; read "
                    + Sizes.format(done.bytesRead()) + ", added " + Sizes.format(b.bytesAdded()));
        }
        done.warnings().forEach(w -> out().println("warning: " + w));
    }

    /** What a file backup holds, and how much of it was new, changed or unchanged. */
    static String counts(BackupInfo.Files f) {
        return Plural.of(f.files(), "file") + " (" + Sizes.format(f.bytes()) + "), "
                + f.directories() + (f.directories() == 1 ? " directory, " : " directories, ") + Plural.of(f.others(), "other")
                + "; " + f.newFiles() + " new, " + f.changedFiles() + " changed, " + f.unchangedFiles() + " unchanged";
    }


    @Override
    protected boolean settles() {
        return false;
    }
}
