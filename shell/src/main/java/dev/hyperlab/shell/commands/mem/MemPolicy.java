package dev.hyperlab.shell.commands.mem;

import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.MemoryPolicy;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.SettingCommand;
import picocli.CommandLine.Option;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mem policy HOST [--auto-balloon on|off] [--swap SIZE] [--page-sharing on|off]}. */
@Command(name = "policy", description = {"Show or set how a host reclaims memory when its VMs are promised more "
        + "than it has: --auto-balloon (Proxmox-style: shrink balloons toward 80 percent host use, grow them back), "
        + "--swap (host swap space for guest memory; none by default), --page-sharing (KSM: merge identical pages).",
        "Without options, shows the policy."})
final class MemPolicy extends SettingCommand<MemoryPolicy> {
    @Parameters(paramLabel = "HOST", description = "The host.", completionCandidates = LiveNames.Hosts.class)
    String name;

    @Option(names = "--auto-balloon", paramLabel = "on|off", description = "Automatic ballooning.")
    String autoBalloon;

    @Option(names = "--swap", paramLabel = "SIZE", description = "Host swap space for guest memory, on the host's disks (at most what they hold): 32GiB, 0.")
    String swap;

    @Option(names = "--page-sharing", paramLabel = "on|off", description = "Page sharing (KSM / TPS).")
    String pageSharing;

    MemPolicy(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected MemoryPolicy setting(Lab lab) {
        return lab.host(name).memoryPolicy();
    }

    @Override
    protected void set(Lab lab) {
        Host h = lab.host(name);
        if (autoBalloon == null && swap == null && pageSharing == null) {
            return;
        }
        MemoryPolicy p = h.memoryPolicy();
        if (autoBalloon != null) {
            p = p.withAutoBalloon(Args.onOff("--auto-balloon", autoBalloon));
        }
        if (swap != null) {
            p = p.withSwap(Args.size("--swap", swap));
        }
        if (pageSharing != null) {
            p = p.withPageSharing(Args.onOff("--page-sharing", pageSharing));
        }
        h.setMemoryPolicy(p);
    }

    @Override
    protected void print(MemoryPolicy p) {
        out().println(name + ": auto-balloon " + (p.autoBalloon() ? "on" : "off") + ", swap "
                + Sizes.format(p.swapBytes()) + ", page sharing " + (p.pageSharing() ? "on" : "off"));
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
