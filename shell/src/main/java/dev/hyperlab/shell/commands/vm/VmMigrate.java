package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.MigrateOptions;
import dev.hyperlab.api.lab.MigrationInfo;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vm migrate NAME --to HOST [--live]}: an offline move of a stopped VM, or a live (pre-copy) one of a running VM. */
@Command(name = "migrate", description = {
        "Move a VM to another host. A stopped VM moves offline, as Proxmox's qm migrate of a stopped VM on local "
                + "storage does: its disks' data goes from its host's datastore to the other's (the lab's clock runs on "
                + "for the copy, at the slower disk's bandwidth), and it starts there from then on.",
        "With --live a running VM moves as QEMU's pre-copy migration moves it (virsh migrate --live "
                + "--copy-storage-all): its disks are copied, then its memory in use in rounds over the hosts' link "
                + "(10 GbE), each round sending what its workload dirtied during the last, until the rest fits the "
                + "downtime limit (300 ms); it pauses for that stop-and-copy and runs on the destination. A guest "
                + "that dirties memory as fast as the link sends it is refused, unless --auto-converge throttles it (its "
                + "work slowed by the throttle) or --postcopy switches to post-copy after the first round.",
        "The destination must run a hypervisor and have the VM's cores, memory and CPU reservation."})
final class VmMigrate extends ChangeCommand {
    @Parameters(paramLabel = "NAME", description = "The VM (stopped; running with --live).",
            completionCandidates = LiveNames.Vms.class)
    String name;

    @Option(names = "--to", required = true, paramLabel = "HOST", description = "The host it moves to.",
            completionCandidates = LiveNames.Hosts.class)
    String host;

    @Option(names = "--live", description = "Move the running VM without stopping it (pre-copy rounds, a short pause).")
    boolean live;

    @Option(names = "--bandwidth", paramLabel = "MIB", description = "Cap the migration at MIB MiB/s (as virsh "
            + "migrate --bandwidth; default: the hosts' link).")
    Long bandwidthMib;

    @Option(names = "--max-downtime", paramLabel = "MS", description = "Longest pause allowed for the stop-and-copy, "
            + "in ms (QEMU's downtime-limit; default 300).")
    Long maxDowntimeMs;

    @Option(names = "--auto-converge", description = "Throttle the guest's vCPUs in steps (20 %%, then +10 %%) while it "
            + "dirties memory faster than the rounds send it, as QEMU's auto-converge.")
    boolean autoConverge;

    @Option(names = "--postcopy", description = "Switch to post-copy after the first round when pre-copy has not "
            + "finished by then (QEMU's postcopy-ram, virsh migrate --postcopy --postcopy-after-precopy): the guest runs "
            + "on the destination from the switch, slowed while the pages it dirtied come over; converges whatever the "
            + "dirty rate.")
    boolean postcopy;

    @Option(names = "--json", description = "Print what the migration did as one JSON object.")
    boolean json;

    private Duration from;
    private String was;
    private MigrationInfo done;

    VmMigrate(ShellContext ctx) {
        super(ctx);
    }

    private MigrateOptions options() {
        if (!live && (bandwidthMib != null || maxDowntimeMs != null || autoConverge || postcopy)) {
            throw LabException.invalid("--bandwidth, --max-downtime, --auto-converge and --postcopy are for a live "
                    + "migration",
                    "add --live");
        }
        if (bandwidthMib != null && (bandwidthMib <= 0 || bandwidthMib > Long.MAX_VALUE >> 20)) {
            throw LabException.invalid("--bandwidth " + bandwidthMib, "give MiB/s above 0");
        }
        if (maxDowntimeMs != null && (maxDowntimeMs <= 0 || maxDowntimeMs > 2_000_000)) {
            throw LabException.invalid("--max-downtime " + maxDowntimeMs, "give 1 to 2000000 ms (QEMU's range)");
        }
        MigrateOptions o = live ? MigrateOptions.LIVE : MigrateOptions.OFFLINE;
        if (bandwidthMib != null) {
            o = o.withBandwidth(bandwidthMib << 20);
        }
        if (maxDowntimeMs != null) {
            o = o.withMaxDowntime(Duration.ofMillis(maxDowntimeMs));
        }
        return o.withAutoConverge(autoConverge).withPostcopy(postcopy);
    }

    @Override
    protected void apply(Lab lab) {
        MigrateOptions o = options();
        from = lab.now();
        was = lab.vm(name).info().host();
        done = lab.vm(name).migrate(host, o);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (json && !dryRun) {
            Json.write(done, out());
            return;
        }
        String took = Times.length(lab.now().minus(from));
        if (done == null || !done.live()) {
            out().println((dryRun ? "would migrate " : "migrated ") + name + " from " + was + " to " + host + " in "
                    + took + " of lab time (offline: its disks copied)");
            return;
        }
        out().println((dryRun ? "would migrate " : "migrated ") + name + " live from " + was + " to " + host + " in "
                + Times.length(done.total()) + ": " + (done.diskBytes() > 0 ? Sizes.format(done.diskBytes())
                + " of disk in " + Times.length(done.diskCopy()) + ", " : "") + count(done.rounds().size(), "round")
                + " of memory, paused " + Times.length(done.downtime()) + " for the stop-and-copy (dirty rate "
                + Sizes.format(Math.round(done.dirtyBytesPerSecond())) + "/s, link "
                + Sizes.format(Math.round(done.bandwidthBytesPerSecond())) + "/s)");
        MigrationInfo.Postcopy post = done.postcopy();
        for (MigrationInfo.Round r : done.rounds()) {
            out().println("  round " + r.number() + ": " + Sizes.format(r.bytes()) + " in " + Times.length(r.took())
                    + (r.throttlePercent() > 0 ? " (guest throttled " + r.throttlePercent() + " %)" : ""));
        }
        if (post.bytes() > 0) {
            out().println("  postcopy: " + Sizes.format(post.bytes()) + " in " + Times.length(post.took())
                    + String.format(java.util.Locale.ROOT, " (guest at %.0f %% of its pace on %s meanwhile)",
                    post.pace() * 100, host));
        }
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
