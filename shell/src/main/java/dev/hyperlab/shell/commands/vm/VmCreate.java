package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.shell.render.Plural;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vm create NAME... --host H --vcpus N --memory SIZE ...}: defines VMs and creates their disk images, several
 * alike in one request ({@link Lab#createVms}: all or none, the lab saved once).
 */
@Command(name = "create", description = {
        "Define a VM on a host (state defined) and create its disk images.",
        "--os PROFILE gives it a bootable disk: a thin qcow2 overlay on the profile's base image. A VM whose boot "
                + "disk is blank fails with \"No bootable device\"."})
final class VmCreate extends ChangeCommand {
    @Parameters(paramLabel = "NAME", arity = "1..*", description = "A new VM name; several make VMs alike, all "
            + "checked first (one refused, none made) and the lab saved once.")
    List<String> names = new ArrayList<>();

    @Option(names = "--host", paramLabel = "H", description = "The host it runs on (may be left out in a lab of "
            + "one host, such as a QEMU lab's local).", completionCandidates = LiveNames.Hosts.class)
    String host = "";

    @Option(names = "--vcpus", required = true, paramLabel = "N", description = "Virtual CPUs.")
    int vcpus;

    @Option(names = "--memory", required = true, paramLabel = "SIZE", description = "Memory: 512MiB, 4GiB.")
    String memory;

    @Option(names = "--max-vcpus", paramLabel = "N", description = "Room to hot-add vCPUs while it runs, up to N "
            + "(QEMU's -smp maxcpus; default: none).")
    int maxVcpus;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Room to hot-add memory while it runs, up to "
            + "SIZE (QEMU's -m maxmem; default: none).")
    String maxMemory;

    @Option(names = "--firmware", paramLabel = "bios|uefi|ID", description = "Firmware model (default: the OS "
            + "profile's).", completionCandidates = LiveNames.Firmware.class)
    String firmware = "";

    @Option(names = "--disk", paramLabel = "PATH|SIZE", description = "A disk, repeatable: SIZE adds a blank disk, "
            + "PATH attaches an image. The first disk is the boot disk (after the --os disk).")
    List<String> disks = new ArrayList<>();

    @Option(names = "--os", paramLabel = "PROFILE", description = "OS profile: linux-server, linux-desktop, "
            + "windows-server, microvm, tiny-linux (a real guest QEMU boots), ... (profiles lists them).",
            completionCandidates = LiveNames.OsProfiles.class)
    String os = "";

    @Option(names = "--driver", paramLabel = "ID", description = "A guest driver installed in addition to the OS's "
            + "inbox drivers, repeatable: virtio-blk, virtio-net, virtio-balloon, guest-tools.",
            completionCandidates = LiveNames.Drivers.class)
    List<String> drivers = new ArrayList<>();

    @Option(names = "--boot-priority", paramLabel = "N", description = "Start-policy group: lower starts first "
            + "(default 0).")
    int bootPriority;

    @Option(names = "--workload", paramLabel = "ID", description = "What the guest does once running: idle (the "
            + "default), web, database, desktop, build (docs/calibration.md section 9), or one the lab defines "
            + "(workload create); vm set changes it.",
            completionCandidates = dev.hyperlab.shell.completion.LiveNames.Workloads.class)
    String workload = "";

    @picocli.CommandLine.Mixin
    ResourceOptions resources = new ResourceOptions();

    VmCreate(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        long bytes = Args.size("--memory", memory);
        if (resources.any()) {
            resources.applyTo(dev.hyperlab.api.lab.VmResources.DEFAULT, 1); // a malformed rate fails before anything
        }
        long maxBytes = maxMemory == null ? 0 : Args.size("--max-memory", maxMemory);
        List<VmSpec> specs = new ArrayList<>(names.size());
        for (String name : names) {
            specs.add(new VmSpec(name, host, vcpus, bytes, firmware, disks, os, drivers, bootPriority, workload,
                    maxVcpus, maxBytes));
        }
        lab.createVms(specs);
        try {
            for (String name : names) {
                resources.apply(lab, name);
            }
        } catch (RuntimeException e) {
            for (String name : names.reversed()) {
                lab.vm(name).delete(); // refused controls: the VMs are not left behind without them
            }
            throw e;
        }
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        for (String name : names) {
            report(lab.vm(name).info(), dryRun);
        }
    }

    private void report(VmInfo i, boolean dryRun) {
        String name = i.name();
        String disks = i.disks().stream().map(d -> d.format() + " " + Sizes.format(d.virtualSize()))
                .collect(Collectors.joining(", "));
        out().println((dryRun ? "would create" : "created") + " vm " + name + " on " + i.host() + ": "
                + Plural.of(i.vcpus(), "vCPU") + ", " + Sizes.format(i.memory()) + ", " + (i.os().isEmpty() ? "no OS" : i.os()) + ", firmware "
                + i.firmware() + (disks.isEmpty() ? ", no disks" : ", disks " + disks)
                + (i.workload().equals("idle") ? "" : ", workload " + i.workload())
                + HotPlugRoom.describe(i)
                + (i.resources().isDefault() ? "" : ", " + ResourceOptions.describe(i.resources()))
                + (dryRun ? "" : " (next: vm start " + name + " --wait)"));
    }

    @Override
    protected List<String> machines() {
        return List.copyOf(names);
    }
}
