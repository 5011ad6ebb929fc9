package dev.hyperlab.shell.commands.host;

import dev.hyperlab.shell.render.Plural;
import dev.hyperlab.api.lab.HostDiskSpec;
import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code host create NAME --cores N --ram SIZE ...}: defines a powered-off host with blank disks. */
@Command(name = "create", description = "Define a powered-off host with blank disks.")
final class HostCreate extends ChangeCommand {
    @Parameters(paramLabel = "NAME", description = "A new host name.")
    String name;

    @Option(names = "--cores", required = true, paramLabel = "N", description = "Physical cores.")
    int cores;

    @Option(names = "--ram", required = true, paramLabel = "SIZE", description = "Installed memory: 64GiB, 512GiB.")
    String ram;

    @Option(names = "--cpu-ghz", paramLabel = "F", description = "Core clock in GHz (default 2.1).")
    double cpuGhz;

    @Option(names = "--firmware", paramLabel = "bios|uefi|ID", description = "Firmware model (default uefi).",
            completionCandidates = LiveNames.Firmware.class)
    String firmware = "";

    @Option(names = "--disk", paramLabel = "KIND:SIZE",
            description = "A physical disk, repeatable; KIND is nvme, ssd or hdd (default one nvme:1TiB).")
    List<String> disks = new ArrayList<>();

    @Option(names = "--boot-order", paramLabel = "disk,net,...", split = ",",
            description = "Boot devices in order (default disk,net).")
    List<String> bootOrder = new ArrayList<>();

    HostCreate(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        long ramBytes = Args.size("--ram", ram);
        List<HostDiskSpec> diskSpecs = disks.stream().map(d -> Args.parse("--disk", d, HostDiskSpec::parse)).toList();
        lab.createHost(new HostSpec(name, cores, ramBytes, cpuGhz, firmware, diskSpecs, bootOrder));
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        HostInfo i = lab.host(name).info();
        out().println((dryRun ? "would create" : "created") + " host " + name + ": " + Plural.of(i.cores(), "core") + ", "
                + Sizes.format(i.ram()) + ", " + i.firmware() + ", " + HostViews.disks(i)
                + (dryRun ? "" : " (next: host install " + name + " --hypervisor type1)"));
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
