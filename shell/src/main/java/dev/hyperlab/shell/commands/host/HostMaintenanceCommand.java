package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.MaintenanceInfo;
import dev.hyperlab.api.lab.MigrationInfo;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Times;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code host maintenance HOST on|off}: drains a host (its VMs migrate away) and keeps it out of placement. */
@Command(name = "maintenance", description = {
        "Put a host in maintenance or take it out, as vSphere's maintenance mode with DRS: on moves its running VMs "
                + "live and its stopped ones offline to other running hosts with room for them (cores, memory, CPU "
                + "reservations), highest start priority first, each to the host with the most memory left; then no "
                + "VM starts on it, lands on it by vm create without --host, or migrates onto it until off.",
        "When its VMs do not all fit elsewhere, or one cannot move (suspended, a linked clone, a live migration that "
                + "would not converge), it is refused with the reason and nothing changes. off moves nothing back."})
final class HostMaintenanceCommand extends ChangeCommand {
    @Parameters(index = "0", paramLabel = "HOST", description = "The host.", completionCandidates = LiveNames.Hosts.class)
    String name;

    @Parameters(index = "1", paramLabel = "on|off", description = "on: drain it and keep VMs off it; off: take VMs again.")
    String mode;

    @Option(names = "--json", description = "Print what it did (the migrations) as one JSON object.")
    boolean json;

    private MaintenanceInfo done;

    HostMaintenanceCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        if (!mode.equals("on") && !mode.equals("off")) {
            throw LabException.invalid("host maintenance " + name + " " + mode, "say on or off");
        }
        done = lab.host(name).maintenance(mode.equals("on"));
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (json && !dryRun) {
            Json.write(done, out());
            return;
        }
        if (!done.on()) {
            out().println((dryRun ? "would take " : "took ") + "host " + name + " out of maintenance");
            return;
        }
        out().println((dryRun ? "would put " : "put ") + "host " + name + " in maintenance"
                + (done.moved().isEmpty() ? " (no VMs to move)" : ", moving " + done.moved().size() + " VM"
                        + (done.moved().size() == 1 ? "" : "s") + ":"));
        for (MigrationInfo m : done.moved()) {
            out().println("  " + m.vm() + " -> " + m.to() + (m.live() ? " live in " + Times.length(m.total())
                    + ", paused " + Times.length(m.downtime()) : " offline in " + Times.length(m.total())));
        }
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
