package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.HostCalibration;
import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Table;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code host calibrate local [--max N] [--out FILE]}: real boots of the test guest, alone and N at once, timed phase
 * by phase, written as a host profile for {@code host create --profile}.
 */
@Command(name = "calibrate", description = "Boot the real test guest (tiny-linux) on this machine alone, then 2, 3 "
        + "... at once, time every phase, and write a host profile that host create NAME --profile FILE makes a "
        + "simulated host of. QEMU labs only; the guests are temporary. Run it on an otherwise idle machine: the "
        + "figures are wall times.")
final class HostCalibrate extends ShellCommand {
    @Parameters(paramLabel = "NAME", description = "The host (local).", completionCandidates = LiveNames.Hosts.class)
    String name;

    @Option(names = "--max", paramLabel = "N", description = "Most guests booted at once (default 4). The profile's "
            + "co-runner slowdown is fitted on 2 at once; more are what docs/validation.md checks the model against.")
    int max = 4;

    @Option(names = "--out", paramLabel = "FILE", description = "The host profile to write (default NAME.profile.json).")
    String out;

    @Option(names = "--json", description = "Print one JSON document on stdout (times in seconds).")
    boolean json;

    HostCalibrate(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        String file = out == null ? name + ".profile.json" : out;
        HostCalibration c = lab().host(name).calibrate(max, file);
        if (json) {
            Json.write(c, out());
            return 0;
        }
        out().println("host " + c.host() + ": " + c.cores() + " cores, " + c.hypervisor() + ", guest " + c.guest()
                + " (" + c.firmware() + ")");
        Table t = new Table("AT ONCE", "MEAN BOOT", "SLOWDOWN").alignRight(0, 1, 2);
        for (HostCalibration.Row r : c.rows()) {
            t.row(r.atOnce(), seconds(r.meanBootSeconds()), String.format(Locale.ROOT, "%.2fx", r.slowdown()));
        }
        t.print(out(), style());
        Table phases = new Table("PHASE (alone)", "LENGTH").alignRight(1);
        for (Map.Entry<String, Double> p : c.rows().getFirst().phaseSeconds().entrySet()) {
            phases.row(p.getKey(), seconds(p.getValue()));
        }
        phases.print(out(), style());
        out().println("wrote host profile " + c.profile() + " (next, in a simulated lab: host create NAME --profile "
                + c.profile() + ")");
        out().flush();
        return 0;
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3fs", s);
    }
}
