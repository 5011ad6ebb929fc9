package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.command.WaitOptions;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code host power-on NAME [--wait]}: POST, boot-device search, bootloader, OS. */
@Command(name = "power-on", description = "Power the host on: POST, boot-device search, bootloader, OS (and "
        + "hypervisor). Allowed when off or failed.")
final class HostPowerOn extends ChangeCommand {
    @Parameters(paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
    String name;

    @Mixin
    WaitOptions await;

    private Duration from;

    HostPowerOn(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        Duration limit = await.timeout();
        Host h = lab.host(name);
        from = lab.now();
        h.powerOn();
        if (await.enabled()) {
            h.waitFor(HostState.RUNNING, limit);
        }
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (dryRun) {
            return;
        }
        Host h = lab.host(name);
        out().println(await.enabled() ? name + " running after " + Times.length(lab.now().minus(from)) + " (lab time "
                + Times.at(lab.now()) + ")" : name + " " + h.state().id() + " (wait host " + name + " to follow it)");
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
