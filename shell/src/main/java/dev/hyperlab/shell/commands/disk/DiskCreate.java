package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.api.lab.Disk;
import dev.hyperlab.api.lab.DiskSpec;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code disk create PATH [--size SIZE] [--format qcow2|raw] [--backing FILE] [--os PROFILE]}. */
@Command(name = "create", description = {
        "Create a disk image file, as qemu-img create does: blank, a thin qcow2 overlay on --backing FILE, or bootable "
                + "with --os PROFILE (the profile's boot layout and OS files: vm create --disk PATH boots it, where a "
                + "blank first disk fails with \"No bootable device\").",
        "A relative PATH resolves against the working directory, as for qemu-img; the lab records it absolute "
                + "(disk list shows it). An existing file is never replaced."})
final class DiskCreate extends ChangeCommand {
    @Parameters(paramLabel = "PATH", description = "The new image file.")
    String path;

    @Option(names = "--size", paramLabel = "SIZE", description = "Virtual size: 20GiB, 512MiB (with --backing, "
            + "the backing file's by default; with --os, the profile's own disk's).")
    String size;

    @Option(names = "--format", paramLabel = "qcow2|raw", description = "Image format (default qcow2).")
    String format = "";

    @Option(names = "--backing", paramLabel = "FILE", description = "Make a copy-on-write qcow2 overlay on this "
            + "image: reads fall through to it, writes stay in the new file.",
            completionCandidates = LiveNames.Disks.class)
    String backing = "";

    @Option(names = "--os", paramLabel = "PROFILE", description = "Make it bootable with this OS profile's boot "
            + "layout and OS files (profiles lists them).", completionCandidates = LiveNames.OsProfiles.class)
    String os = "";

    @Option(names = "--firmware", paramLabel = "bios|uefi|direct|ID", description = "With --os: the firmware the "
            + "boot layout is for (default: the profile's): an MBR, a GPT with an EFI system partition, or a root "
            + "file system.", completionCandidates = LiveNames.Firmware.class)
    String firmware = "";

    private Disk created;

    DiskCreate(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        long bytes = size == null ? 0 : Args.size("--size", size);
        created = lab.createDisk(new DiskSpec(path, bytes, format, backing, os, firmware));
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        out().println((dryRun ? "would create " : "created ") + DiskViews.summary(created.info())
                + (dryRun ? "" : " (next: vm create NAME --host H --vcpus N --memory SIZE --disk " + created.path()
                        + ")"));
    }

    @Override
    protected boolean settles() {
        return false; // nothing boots: the copy has nothing to run on for
    }
}
