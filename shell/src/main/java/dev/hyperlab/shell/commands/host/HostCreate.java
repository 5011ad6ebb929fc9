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
import dev.hyperlab.shell.error.ShellException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code host create NAME... --cores N --ram SIZE ...}: defines powered-off hosts with blank disks, several alike in one
 * request ({@link Lab#createHosts}: all or none); with {@code --profile FILE}, one made from a real machine's
 * measurements ({@code host calibrate}).
 */
@Command(name = "create", description = "Define a powered-off host with blank disks. With --profile FILE (written by "
        + "host calibrate on a QEMU lab) the host is the measured machine: its cores and memory, and its guests' boot "
        + "phases as long as they took there.")
final class HostCreate extends ChangeCommand {
    @Parameters(paramLabel = "NAME", arity = "1..*", description = "A new host name; several make hosts alike, all "
            + "checked first (one refused, none made).")
    List<String> names = new ArrayList<>();

    @Option(names = "--cores", paramLabel = "N", description = "Physical cores (required without --profile).")
    Integer cores;

    @Option(names = "--ram", paramLabel = "SIZE",
            description = "Installed memory: 64GiB, 512GiB (required without --profile).")
    String ram;

    @Option(names = "--profile", paramLabel = "FILE",
            description = "A host profile from host calibrate: the real machine's cores, memory and measured boots.")
    String profile;

    @Option(names = "--cpu-ghz", paramLabel = "F", description = "Core clock in GHz (default 2.1).")
    Double cpuGhz;

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
        if (profile != null) {
            if (cores != null || ram != null || cpuGhz != null || !firmware.isEmpty() || !disks.isEmpty()
                    || !bootOrder.isEmpty()) {
                throw new ShellException("host create: --profile gives the host's cores, memory and clock",
                        "leave out --cores, --ram, --cpu-ghz, --firmware, --disk and --boot-order with it");
            }
            if (names.size() > 1) {
                throw new ShellException("host create: --profile makes one host, not " + names.size(),
                        "give one NAME with --profile");
            }
            lab.createHost(names.getFirst(), profile);
            return;
        }
        if (cores == null || ram == null) {
            throw new ShellException("host create: missing required option '" + (cores == null ? "--cores=N" : "--ram=SIZE")
                    + "'", "`host create --help` shows the usage");
        }
        long ramBytes = Args.size("--ram", ram);
        List<HostDiskSpec> diskSpecs = disks.stream().map(d -> Args.parse("--disk", d, HostDiskSpec::parse)).toList();
        List<HostSpec> specs = new ArrayList<>(names.size());
        for (String name : names) {
            specs.add(new HostSpec(name, cores, ramBytes, ghz(), firmware, diskSpecs, bootOrder));
        }
        lab.createHosts(specs);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        for (String name : names) {
            HostInfo i = lab.host(name).info();
            out().println((dryRun ? "would create" : "created") + " host " + name + ": " + Plural.of(i.cores(), "core")
                    + ", " + Sizes.format(i.ram()) + ", " + i.firmware() + ", " + HostViews.disks(i)
                    + (dryRun ? "" : " (next: host install " + name + " --hypervisor type1)"));
        }
    }

    @Override
    protected List<String> machines() {
        return List.copyOf(names);
    }

    /**
     * The clock given, or 0 for the default: a spec's 0 means "not given", so --cpu-ghz 0 itself is refused here (it
     * was taken as 2.1 GHz without a word, while 0.4 was out of range).
     */
    private double ghz() {
        if (cpuGhz == null) {
            return 0;
        }
        if (!(cpuGhz > 0)) {
            throw new ShellException("--cpu-ghz " + java.math.BigDecimal.valueOf(cpuGhz).stripTrailingZeros().toPlainString()
                    + " is out of range", "0.5 to 10");
        }
        return cpuGhz;
    }
}
