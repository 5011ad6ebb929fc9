package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code host preload HOST --os PROFILE}: warms the host's read cache with a base image's boot blocks. */
@Command(name = "preload", description = {
        "Warm the host's read cache with the boot blocks of an OS profile's base image (its boot loader, kernel and "
                + "init files), as VMware's View Storage Accelerator keeps base-disk blocks in host RAM before a "
                + "boot storm: later boots of VMs on that base read them from the cache instead of the datastore.",
        "The host's datastore reads them once, sequentially, and the lab's clock runs on meanwhile; the cache is lost "
                + "when the host powers off or resets. The host must run a hypervisor."})
final class HostPreload extends ChangeCommand {
    @Parameters(paramLabel = "HOST", description = "The host.", completionCandidates = LiveNames.Hosts.class)
    String name;

    @Option(names = "--os", required = true, paramLabel = "PROFILE", description = "OS profile whose base image to "
            + "preload: linux-server, windows-server, ...", completionCandidates = LiveNames.OsProfiles.class)
    String os;

    private Duration took;

    HostPreload(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        took = lab.host(name).preload(os);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        out().println((dryRun ? "would preload " : "preloaded ") + os + "'s boot blocks into host " + name
                + "'s read cache in " + Times.length(took) + " of lab time");
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
