package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.BackupRun;
import dev.hyperlab.api.lab.HostFilesRun;
import dev.hyperlab.api.lab.HostImageRun;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Times;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code backup run VM [--strategy full|incremental|dedup|ID] [--repo DIR]}, {@code backup run HOST --image},
 * {@code backup run HOST --files PATH... [--exclude PATTERN]...}.
 */
@Command(name = "run", description = {"Back a VM up. A running VM is backed up live: a temporary disk-only snapshot "
        + "gives a consistent point (the VM pauses for it: the snapshot phase of its timeline), the backup reads it "
        + "while the VM runs on (the backup phase), then the snapshot is deleted. A stopped VM is read as it is.",
        "Strategies: full (every allocated block), incremental (only the clusters the disk's dirty bitmap marks since "
                + "the last backup; a broken chain falls back to a full backup and says why), dedup (content-defined "
                + "chunks, stored once across VMs and days), or a plugin's id (plugin list).",
        "Takes lab time: the data read at the host datastore's bandwidth.",
        "--image takes a disk image of a physical host instead, offline: the host is shut down (refused while VMs run "
                + "on it), booted into an imaging environment (POST, then a live Linux) that reads every disk's data at "
                + "the disk's bandwidth, and powered on again if it was up; its timeline shows the downtime (imaging-boot, "
                + "imaging). Strategy full (default) or dedup; incremental needs a change tracker in the host's OS, "
                + "which no lab host has, so it falls back to a full image and says so.",
        "--files PATH... backs up files inside a physical host instead, as backup files does for this machine: a "
                + "file agent in the host's running OS (refused unless the host runs) reads them from its disks while "
                + "it runs on, so the backup is crash-consistent, as a restic or borg run there is. PATH is as the "
                + "host sees it: its largest ext2/3/4 file system is /, its EFI system partition (FAT) /boot/efi, "
                + "found through the disks' GPT or MBR. Incremental against the host's previous file backup; "
                + "backup ls and backup restore ID --to DIR work on it. Takes lab time: the data at the disk's "
                + "read bandwidth, or one random read per entry, whichever is longer (the file-backup phase of the "
                + "host's timeline). A damaged file system is refused and no backup is written."})
final class BackupRunCommand extends ChangeCommand {
    @Parameters(paramLabel = "VM|HOST", description = "The VM (the host, with --image).")
    String vm;

    @Option(names = "--strategy", paramLabel = "full|incremental|dedup|ID",
            description = "How to back it up (default incremental; full with --image).")
    String strategy = "";

    @Option(names = "--image", description = "Image a physical host's disks, offline.")
    boolean image;

    @Option(names = "--files", arity = "1..*", paramLabel = "PATH",
            description = "Back up these files inside a physical host (/etc, /boot/efi/EFI), while it runs.")
    List<String> files = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "PATTERN", description = "With --files: leave out what matches "
            + "(repeatable; as backup files).")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--repo", paramLabel = "DIR", description = "The repository (default ~/.hyperlab/backups).")
    String repo = "";

    @Option(names = "--json", description = "Print what the backup did as one JSON "
            + "object: the facade's BackupRun, HostImageRun (--image) or HostFilesRun (--files).")
    boolean json;

    private BackupRun done;
    private HostImageRun imaged;
    private HostFilesRun copied;

    BackupRunCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        jsonExcludesDryRun(json, "reports what was done");
        // picocli keeps this command for the next line and resets only its options: the report goes by which is set
        done = null;
        imaged = null;
        copied = null;
        if (!files.isEmpty() && (image || !strategy.isEmpty())) {
            throw new ShellException("--files backs up files, with no strategy and no --image",
                    "leave out " + (image ? "--image" : "--strategy"));
        }
        if (!excludes.isEmpty() && files.isEmpty()) {
            throw new ShellException("--exclude applies to --files only", "name the files with --files PATH...");
        }
        if (!files.isEmpty()) {
            copied = Repos.open(ctx, lab, repo).backupHostFiles(vm, files, excludes);
        } else if (image) {
            imaged = Repos.open(ctx, lab, repo).image(vm, strategy);
        } else {
            done = Repos.open(ctx, lab, repo).run(vm, strategy);
        }
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (!dryRun && copied != null && copied.leftOut() > 0) {
            ctx.markIncomplete(); // made, with files left out: a batch run ends with status 3, as for backup files
        }
        if (json) {
            Json.write(copied != null ? copied : imaged != null ? imaged : done, out());
            return;
        }
        if (copied != null) {
            reportFiles(dryRun);
            return;
        }
        if (imaged != null) {
            reportImage(dryRun);
            return;
        }
        var b = done.backup();
        out().println(vm + ": " + (dryRun ? "would back up " : "backup " + b.shortId() + " ") + "(" + b.strategy()
                + (done.live() ? ", live" : ", offline") + "): read " + Sizes.format(b.bytesRead())
                + (dryRun ? "" : ", added " + Sizes.format(b.bytesAdded())) + " in " + Times.length(done.duration())
                + " of lab time" + (done.live() ? "; the VM kept running" : ""));
        if (b.fullFallback()) {
            out().println("fell back to a full backup:");
        }
        b.notes().forEach(n -> out().println("  " + n));
        done.warnings().forEach(w -> out().println("warning: " + w));
    }

    private void reportImage(boolean dryRun) {
        var b = imaged.backup();
        out().println(vm + ": " + (dryRun ? "would image " : "host image " + b.shortId() + " ") + "(" + b.strategy()
                + ", offline): " + b.disks().size() + (b.disks().size() == 1 ? " disk, " : " disks, ")
                + Sizes.format(b.dataBytes()) + " data, read " + Sizes.format(b.bytesRead()) + (dryRun ? "" : ", added " + Sizes.format(b.bytesAdded())));
        // "off", not "down": a host that was up is powered on again at the end, and its own boot (POST, boot loader,
        // OS) follows in its timeline before it serves again
        out().println("host off " + Times.length(imaged.downtime()) + ": imaging environment boot "
                + Times.length(imaged.environmentBoot()) + " + read " + Times.length(imaged.read())
                + (imaged.poweredOn() ? "; powered on again, its own boot follows (timeline " + vm + ")"
                        : "; left off"));
        b.notes().forEach(n -> out().println("  " + n));
        imaged.warnings().forEach(w -> out().println("warning: " + w));
    }

    private void reportFiles(boolean dryRun) {
        var b = copied.backup();
        String counts = BackupFilesCommand.counts(b.files());
        if (dryRun) {
            out().println(vm + ": would back up " + counts + "; would read " + Sizes.format(copied.bytesToRead()));
        } else {
            out().println(vm + ": backup " + b.shortId() + " (files, crash-consistent): " + counts + "; read "
                    + Sizes.format(copied.bytesRead()) + ", added " + Sizes.format(b.bytesAdded()));
        }
        out().println("file agent read for " + Times.length(copied.read()) + " of lab time; the host kept running"
                + " (timeline " + vm + ")");
        copied.mounts().forEach(m -> out().println("  " + m));
        copied.warnings().forEach(w -> out().println("warning: " + w));
    }

    @Override
    protected List<String> machines() {
        return List.of(vm);
    }

    @Override
    protected boolean settles() {
        return false;
    }
}
