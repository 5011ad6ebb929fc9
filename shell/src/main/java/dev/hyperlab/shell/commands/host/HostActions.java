package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.Destructive;
import dev.hyperlab.shell.command.Outcome;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.command.WaitOptions;
import dev.hyperlab.shell.completion.LiveNames;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The one-host power verbs: {@code host power-on|power-off|reset NAME [--wait|--no-wait] [--timeout DURATION]}, each
 * one facade call. A power-on or a reset starts the host's boot, which {@code --wait} waits for; a power-off is over
 * when it returns.
 */
final class HostActions {
    private HostActions() {}

    /** A power verb on one host. */
    abstract static class Action extends ChangeCommand {
        @Parameters(paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
        String name;

        @Mixin
        WaitOptions await;

        private final BiConsumer<Host, Wait> verb;
        private Wait wait = Wait.NONE;
        private Duration from;

        Action(ShellContext ctx, BiConsumer<Host, Wait> verb) {
            super(ctx);
            this.verb = verb;
        }

        @Override
        protected void apply(Lab lab) {
            wait = await.wait(false);
            Host h = lab.host(name);
            from = lab.now();
            verb.accept(h, wait);
        }

        @Override
        protected void report(Lab lab, boolean dryRun) {
            if (!dryRun) {
                out().println(Outcome.host(lab, name, from, wait, style()));
            }
        }

        @Override
        protected List<String> machines() {
            return List.of(name);
        }
    }

    @Command(name = "power-on", description = "Power the host on: POST, boot-device search, bootloader, OS (and "
            + "hypervisor). Allowed when off or failed.")
    static final class PowerOn extends Action {
        PowerOn(ShellContext ctx) {
            super(ctx, Host::powerOn);
        }
    }

    @Command(name = "power-off", description = "Cut the host's power; VMs running on it crash (they were not shut "
            + "down). The power is off when it returns (--wait has nothing to wait for).")
    static final class PowerOff extends Action implements Destructive {
        PowerOff(ShellContext ctx) {
            super(ctx, Host::powerOff);
        }
    }

    @Command(name = "reset", description = "Hardware reset: like power-off then power-on without the power-supply "
            + "delay; VMs running on it crash.")
    static final class Reset extends Action implements Destructive {
        Reset(ShellContext ctx) {
            super(ctx, Host::reset);
        }
    }
}
