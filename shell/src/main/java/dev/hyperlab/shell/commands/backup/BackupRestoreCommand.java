package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.BackupInfo;
import dev.hyperlab.api.lab.BackupRestore;
import dev.hyperlab.api.lab.FileRestore;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.Outcome;
import dev.hyperlab.shell.command.WaitOptions;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Plural;
import dev.hyperlab.shell.render.Times;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code backup restore ID --to PATH [--as-vm NAME] [--host HOST] [--repo DIR]}, and for a file backup
 * {@code backup restore ID --to DIR [--include PATTERN]... [--overwrite]}.
 */
@Command(name = "restore", description = {"Restore a backup: --to PATH writes its disks to new image files (PATH for "
        + "one disk, else a new directory PATH with one file per disk; raw, or qcow2 when PATH ends in .qcow2), "
        + "byte-identical, holes left holes. --as-vm NAME instead defines a new VM from the backup (vCPUs, memory, "
        + "firmware, OS, drivers) with its disks in the lab and boots it: its timeline shows the restore phase, then "
        + "the boot; their sum is the recovery time. It waits for the boot unless given --no-wait.",
        "The VM goes on --host, else the original host if it runs, else the first running host with room.",
        "A file backup (backup files) is restored --to DIR, a new or empty directory (or any, with --overwrite, "
                + "which replaces entries of the same names; a directory in the way is kept, its entry of the backup "
                + "named in a warning, and a batch run ends with exit status 3): its paths are recreated below DIR with permissions, "
                + "owners (as root), times, links, holes and extended attributes. --include PATTERN restores only "
                + "what matches, everything below a matching directory, and the directories above. Nothing is "
                + "written outside DIR: links are never followed.",
        "A host image (backup run HOST --image) is restored --to-host HOST, bare metal: written onto the host's disks "
                + "(each as large as the image's or larger; a smaller one is refused), then the host is powered on: "
                + "POST, boot-device search, boot loader and OS read from the restored disks. Each disk's first MiB "
                + "is zeroed first and written last, so a restore cut short leaves a host that does not boot. It "
                + "prints the recovery time (restore + boot). A VM backup does not go --to-host, nor a host image "
                + "--as-vm: it has no VM definition.",
        "A damaged repository restores what is intact, names what is not, and the command fails (exit status 1); "
                + "a VM whose disks are incomplete is defined but not started."})
final class BackupRestoreCommand extends ChangeCommand {
    @Parameters(paramLabel = "ID", description = "The backup: its id, a unique prefix (backup list), or latest "
            + "(the newest backup).")
    String id;

    @Option(names = "--to", paramLabel = "PATH", description = "Where to write the disks (a new file or directory).")
    String to = "";

    @Option(names = "--as-vm", paramLabel = "NAME", description = "Restore as a new VM with this name and boot it.")
    String asVm = "";

    @Option(names = "--to-host", paramLabel = "HOST", description = "A host image: restore it onto this host, bare "
            + "metal, and power it on.", completionCandidates = LiveNames.Hosts.class)
    String toHost = "";

    @Option(names = "--host", paramLabel = "HOST", description = "With --as-vm: the host to define the VM on.",
            completionCandidates = LiveNames.Hosts.class)
    String host = "";

    @Option(names = "--include", paramLabel = "PATTERN",
            description = "A file backup: restore only what matches (repeatable).")
    List<String> includes = new ArrayList<>();

    @Option(names = "--overwrite", description = "A file backup: restore into a directory that has entries, "
            + "replacing those of the same names.")
    boolean overwrite;

    @Option(names = "--repo", paramLabel = "DIR", description = "The repository (default ~/.hyperlab/backups).")
    String repo = "";

    @Option(names = "--json", description = "Print what the restore did as one JSON "
            + "object: the facade's BackupRestore, or FileRestore for a file backup. Failures are errors as without it.")
    boolean json;

    @Mixin
    WaitOptions await;

    /** The backup that latest named when the command ran: the report says whose it is (another VM's, perhaps). */
    private BackupInfo latest;
    private BackupRestore done;
    private FileRestore files;
    private Wait wait = Wait.NONE;

    BackupRestoreCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        jsonExcludesDryRun(json, "reports what was done");
        // picocli keeps this command for the next line and resets only its options: the report goes by which is set
        latest = null;
        done = null;
        files = null;
        if ((to.isEmpty() ? 0 : 1) + (asVm.isEmpty() ? 0 : 1) + (toHost.isEmpty() ? 0 : 1) != 1) {
            throw new ShellException("give --to PATH, --as-vm NAME or --to-host HOST",
                    "one of the three: a file, a new VM, or a host's disks");
        }
        if (id.strip().equalsIgnoreCase("latest")) { // the newest backup (Backups: ids)
            latest = Repos.open(ctx, lab, repo).backup(id);
            id = latest.id(); // one backup throughout, even if another lands meanwhile
        }
        if (!toHost.isEmpty()) {
            if (!host.isEmpty() || !includes.isEmpty() || overwrite) {
                throw new ShellException("--host, --include and --overwrite do not go with --to-host",
                        "a bare-metal restore writes the whole image onto the host named");
            }
            wait = await.wait(true);
            done = Repos.open(ctx, lab, repo).restoreToHost(id, toHost, wait);
            return;
        }
        if ((!host.isEmpty() || await.given()) && asVm.isEmpty()) {
            throw new ShellException((host.isEmpty() ? "--wait, --no-wait and --timeout go" : "--host goes")
                    + " with --as-vm", "a restore --to PATH writes files, not a VM");
        }
        wait = await.wait(true);
        var backups = Repos.open(ctx, lab, repo);
        boolean fileOptions = !includes.isEmpty() || overwrite;
        if (backups.backup(id).isFiles()) {
            if (!asVm.isEmpty()) {
                throw new ShellException("backup " + id + " is a file backup: it restores to a directory, not as a VM",
                        "give --to DIR");
            }
            files = backups.restoreFiles(id, to, includes, overwrite);
            return;
        }
        if (fileOptions) {
            throw new ShellException("--include and --overwrite go with a file backup", "backup " + id
                    + " is a VM backup: it restores to new image files or as a VM");
        }
        done = asVm.isEmpty() ? backups.restore(id, to) : backups.restoreAsVm(id, asVm, host, wait);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (json) {
            reportJson(lab, dryRun);
            return;
        }
        if (latest != null) {
            out().println("latest is backup " + latest.id().substring(0, 8) + " of " + latest.vm()
                    + (latest.isFiles() ? " (files)" : ""));
        }
        if (files != null) {
            reportFiles(dryRun);
            return;
        }
        String verb = dryRun ? "would restore " : "restored ";
        String sid = done.backupId().substring(0, 8);
        if (!toHost.isEmpty()) {
            reportHost(lab, dryRun, verb, sid);
        } else if (done.vm().isEmpty()) {
            for (BackupRestore.RestoredDisk d : done.disks()) {
                out().println(verb + sid + " " + d.name() + " to " + d.path() + " (" + d.format() + ", "
                        + Sizes.format(d.virtualSize()) + ", " + Sizes.format(d.bytesWritten()) + " data)");
            }
        } else {
            out().println(verb + sid + " as VM " + done.vm() + " on " + done.host() + " (" + done.hostChoice() + "): "
                    + done.disks().size() + (done.disks().size() == 1 ? " disk, " : " disks, ")
                    + Sizes.format(done.disks().stream().mapToLong(BackupRestore.RestoredDisk::bytesWritten).sum())
                    + " data");
            if (done.complete() && wait.waits()) {
                out().println("recovery time " + Times.length(done.recoveryTime()) + ": restore "
                        + Times.length(done.restoreTime()) + " + boot " + Times.length(done.bootTime())
                        + " (timeline " + done.vm() + ")");
            } else if (done.complete() && !dryRun) {
                out().println(Outcome.vm(lab, done.vm(), done.started().plus(done.restoreTime()), wait, style()));
            }
        }
        if (!dryRun) {
            BackupViews.problems(out(), done);
        }
        if (!done.complete()) {
            out().flush();
            throw incomplete(sid, done.damaged().size());
        }
    }

    /** The error of a restore that read {@code ranges} damaged ranges as zeros (it wrote everything else). */
    private static ShellException incomplete(String sid, int ranges) {
        return new ShellException("restore of " + sid + " is incomplete: " + ranges + " damaged ranges read as zeros",
                "backup check --read-data names the damage");
    }

    /** The facade's result as JSON, then the same status as the text report: incomplete, or an error. */
    private void reportJson(Lab lab, boolean dryRun) {
        Json.write(files != null ? files : done, out());
        out().flush();
        String sid = (files != null ? files.backupId() : done.backupId()).substring(0, 8);
        if (files != null) {
            if (!dryRun && files.leftOut() > 0) {
                ctx.markIncomplete();
            }
            if (!files.complete()) {
                throw incomplete(sid, files.damaged().size());
            }
            return;
        }
        if (!done.complete()) {
            throw incomplete(sid, done.damaged().size());
        }
        if (!toHost.isEmpty() && !dryRun && wait.waits() && lab.host(done.host()).state() != HostState.RUNNING) {
            throw new ShellException("host " + done.host() + " did not come up from backup " + sid,
                    "timeline " + done.host() + " shows where its boot stopped");
        }
    }

    private void reportHost(Lab lab, boolean dryRun, String verb, String sid) {
        for (BackupRestore.RestoredDisk d : done.disks()) {
            out().println(verb + sid + " " + d.name() + " onto host " + done.host() + " " + d.path() + " ("
                    + Sizes.format(d.virtualSize()) + ", " + Sizes.format(d.bytesWritten()) + " data)");
        }
        if (!done.complete()) {
            return;
        }
        if (!dryRun && wait.waits() && lab.host(done.host()).state() != HostState.RUNNING) {
            // it did not come up (a warning says why): no recovery time to claim
            BackupViews.problems(out(), done);
            out().flush();
            throw new ShellException("host " + done.host() + " did not come up from backup " + sid + " (restore "
                    + Times.length(done.restoreTime()) + ", then " + Times.length(done.bootTime()) + " of boot)",
                    "timeline " + done.host() + " shows where its boot stopped");
        } else if (wait.waits()) {
            out().println("recovery time " + Times.length(done.recoveryTime()) + ": restore "
                    + Times.length(done.restoreTime()) + " + POST and boot " + Times.length(done.bootTime())
                    + " (timeline " + done.host() + ")");
        } else {
            out().println("restore " + Times.length(done.restoreTime()) + "; host " + done.host() + " is booting (wait "
                    + "host " + done.host() + ", then timeline " + done.host() + ")");
        }
    }

    private void reportFiles(boolean dryRun) {
        FileRestore r = files;
        String sid = r.backupId().substring(0, 8);
        out().println((dryRun ? "would restore " : "restored ") + sid + " to " + r.directory() + ": "
                + Plural.of(r.files(), "file") + ", " + r.directories()
                + (r.directories() == 1 ? " directory, " : " directories, ") + Plural.of(r.others(), "other")
                + (r.links() > 0 ? ", " + Plural.of(r.links(), "hard link") : "") + ", "
                + Sizes.format(r.bytesWritten()) + " data");
        if (!dryRun) {
            r.damaged().forEach(d -> out().println("damaged: " + d));
            r.warnings().forEach(w -> out().println("warning: " + w));
            if (r.leftOut() > 0) {
                ctx.markIncomplete(); // restored but for what the warnings name: a batch run ends with status 3
            }
        }
        if (!r.complete()) {
            out().flush();
            throw incomplete(sid, r.damaged().size());
        }
    }

    @Override
    protected List<String> machines() {
        return !asVm.isEmpty() ? List.of(asVm) : !toHost.isEmpty() ? List.of(toHost) : List.of();
    }

    @Override
    protected boolean settles() {
        return false;
    }
}
