package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.SettingCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code host policy NAME [--max-concurrent-boots N] [--group-delay DURATION]}: the hypervisor's start policy. */
@Command(name = "policy", description = {
        "Show or set how the host's hypervisor starts many VMs (like Proxmox's startup order): VMs start in groups "
                + "of equal --boot-priority, lowest first; a group waits --group-delay after the previous one is "
                + "running; at most --max-concurrent-boots boot at once. Applies to starts requested from now on.",
        "Without options, shows the policy (host info --json has it as startPolicy)."})
final class HostPolicy extends SettingCommand<StartPolicy> {
    @Parameters(paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
    String name;

    @Option(names = "--max-concurrent-boots", paramLabel = "N", description = "VMs booting at once at most; 0 for "
            + "no limit.")
    Integer maxConcurrentBoots;

    @Option(names = "--group-delay", paramLabel = "DURATION", description = "Pause between one boot-priority group "
            + "running and the next starting: 10s, 1m.")
    String groupDelay;

    HostPolicy(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected StartPolicy setting(Lab lab) {
        return lab.host(name).startPolicy();
    }

    @Override
    protected void set(Lab lab) {
        Host h = lab.host(name);
        if (maxConcurrentBoots == null && groupDelay == null) {
            return;
        }
        StartPolicy now = h.startPolicy();
        h.setStartPolicy(new StartPolicy(maxConcurrentBoots == null ? now.maxConcurrentBoots() : maxConcurrentBoots,
                groupDelay == null ? now.groupDelay() : Args.duration("--group-delay", groupDelay)));
    }

    @Override
    protected void print(StartPolicy p) {
        out().println(name + ": " + HostViews.policy(p));
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
