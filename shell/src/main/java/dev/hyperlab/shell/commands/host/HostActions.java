package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The one-host power verbs without a wait: {@code host power-off|reset NAME}, each one facade call. */
final class HostActions {
    private HostActions() {}

    /** A verb on one host. */
    abstract static class Action extends ChangeCommand {
        @Parameters(paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
        String name;

        Action(ShellContext ctx) {
            super(ctx);
        }

        abstract void act(Host host);

        @Override
        protected void apply(Lab lab) {
            act(lab.host(name));
        }

        @Override
        protected void report(Lab lab, boolean dryRun) {
            if (!dryRun) {
                out().println(name + " " + lab.host(name).state().id());
            }
        }

        @Override
        protected List<String> machines() {
            return List.of(name);
        }
    }

    @Command(name = "power-off", description = "Cut the host's power; VMs running on it crash (they were not shut "
            + "down).")
    static final class PowerOff extends Action {
        PowerOff(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Host host) {
            host.powerOff();
        }
    }

    @Command(name = "reset", description = "Hardware reset: like power-off then power-on without the power-supply "
            + "delay.")
    static final class Reset extends Action {
        Reset(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Host host) {
            host.reset();
        }
    }
}
