package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmChange;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.render.Plural;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vm set NAME [--vcpus N] [--memory SIZE] [--max-vcpus N] [--max-memory SIZE] [--firmware ID] [--driver +ID|-ID]... [--boot-priority N]
 * [--autostart on|off] [--workload ID]}.
 */
@Command(name = "set", description = {
        "Change a stopped VM's definition, as virsh setvcpus/setmaxmem/attach-device --config and govc vm.change do: "
                + "vCPUs, memory, their hot-add room, firmware, guest drivers and start-policy group. The VM must be "
                + "defined, shut off or crashed, except: --autostart and --workload may be set in any state (a "
                + "running guest switches workload at once), and a running VM takes more --vcpus and --memory up to "
                + "its --max-vcpus and --max-memory where its guest OS hot-adds them (Linux and Windows Server "
                + "guests; docs/calibration.md vm.hotplug), as virsh setvcpus --live --config does: at once, and "
                + "kept for its next boot.",
        "The change shows at the next boot: a Windows guest given virtio-blk can boot from a virtio disk; one whose "
                + "boot disk's driver is removed stops with INACCESSIBLE_BOOT_DEVICE (0x7B); firmware the disk was "
                + "not laid out for finds no boot device.",
        "Resource controls (--cpu-shares, --cpu-reservation, --cpu-limit, --mem-reservation, --mem-limit) are "
                + "vSphere's shares, reservations and limits (cgroup v2's cpu.weight, cpu.max, memory.min, memory.max) "
                + "and may be set in any state: the CPU ones apply from the VM's next step of work."})
final class VmSet extends ChangeCommand {
    @Parameters(paramLabel = "NAME", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String name;

    @Option(names = "--vcpus", paramLabel = "N", description = "Virtual CPUs.")
    Integer vcpus;

    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory: 512MiB, 4GiB.")
    String memory;

    @Option(names = "--max-vcpus", paramLabel = "N", description = "Room to hot-add vCPUs while it runs, up to N "
            + "(QEMU's -smp maxcpus; its vCPUs for none).")
    Integer maxVcpus;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Room to hot-add memory while it runs, up "
            + "to SIZE (QEMU's -m maxmem; its memory for none).")
    String maxMemory;

    @Option(names = "--firmware", paramLabel = "bios|uefi|ID", description = "Firmware model.",
            completionCandidates = LiveNames.Firmware.class)
    String firmware;

    @Option(names = "--driver", paramLabel = "+ID|-ID", description = "Install (+ID) or remove (-ID) a guest driver, "
            + "repeatable: +virtio-blk, -guest-tools. Only drivers added to the VM can be removed, not its OS's own.")
    List<String> drivers = new ArrayList<>();

    @Option(names = "--boot-priority", paramLabel = "N", description = "Start-policy group: lower starts first.")
    Integer bootPriority;

    @Option(names = "--autostart", paramLabel = "on|off", description = "Start with the host, as virsh autostart: "
            + "once its hypervisor is up after a power-on or a reset (a power cut included), by its start policy. "
            + "Allowed in any state.")
    String autostart;

    @Option(names = "--workload", paramLabel = "ID", description = "What the guest does once running: idle (the "
            + "default), web, database, desktop, build (docs/calibration.md section 9), or one the lab defines "
            + "(workload create). Allowed in any state.",
            completionCandidates = dev.hyperlab.shell.completion.LiveNames.Workloads.class)
    String workload;

    @Mixin
    ResourceOptions resources = new ResourceOptions();

    VmSet(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        VmChange change = VmChange.NONE;
        if (vcpus != null) {
            change = change.withVcpus(vcpus);
        }
        if (memory != null) {
            change = change.withMemory(Args.size("--memory", memory));
        }
        if (maxVcpus != null) {
            change = change.withMaxVcpus(maxVcpus);
        }
        if (maxMemory != null) {
            change = change.withMaxMemory(Args.size("--max-memory", maxMemory));
        }
        if (firmware != null) {
            change = change.withFirmware(firmware);
        }
        for (String d : drivers) {
            if (d.length() > 1 && d.charAt(0) == '+') {
                change = change.withDriver(d.substring(1));
            } else if (d.length() > 1 && d.charAt(0) == '-') {
                change = change.withoutDriver(d.substring(1));
            } else {
                throw new ShellException("--driver '" + d + "' says neither + nor -",
                        "+ID installs a driver, -ID removes one: --driver +virtio-blk");
            }
        }
        if (bootPriority != null) {
            change = change.withBootPriority(bootPriority);
        }
        if (autostart != null) {
            change = change.withAutostart(Args.onOff("--autostart", autostart));
        }
        if (workload != null) {
            change = change.withWorkload(workload);
        }
        if (change.isEmpty() && resources.any()) {
            resources.apply(lab, name); // resource controls alone: allowed in any state
            return;
        }
        if (change.isEmpty()) {
            throw new ShellException("vm set " + name + " changes nothing",
                    "give --vcpus, --memory, --max-vcpus, --max-memory, --firmware, --driver, --boot-priority, "
                            + "--autostart or --workload; "
                            + "vm info shows "
                            + "the VM");
        }
        lab.vm(name).set(change);
        resources.apply(lab, name);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        VmInfo i = lab.vm(name).info();
        out().println((dryRun ? "would set " : "set ") + name + ": " + Plural.of(i.vcpus(), "vCPU") + ", "
                + Sizes.format(i.memory()) + ", firmware " + i.firmware() + ", drivers "
                + (i.drivers().isEmpty() ? "none" : String.join(", ", i.drivers())) + ", boot priority "
                + i.bootPriority() + ", autostart " + (i.autostart() ? "on" : "off")
                + (i.workload().equals("idle") ? "" : ", workload " + i.workload())
                + HotPlugRoom.describe(i)
                + (i.resources().isDefault() ? "" : ", " + ResourceOptions.describe(i.resources())));
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
