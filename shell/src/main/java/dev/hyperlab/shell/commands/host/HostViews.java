package dev.hyperlab.shell.commands.host;

import dev.hyperlab.shell.render.Plural;
import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.shell.render.Times;
import java.util.stream.Collectors;

/** How hosts read in human output, shared by the host commands. */
final class HostViews {
    private HostViews() {}

    static String disks(HostInfo i) {
        return i.disks().stream()
                .map(d -> d.device() + " " + d.kind().id() + " " + Sizes.format(d.size())
                        + (d.contents().isEmpty() ? "" : " (" + d.contents() + ")"))
                .collect(Collectors.joining(", "));
    }

    static String hypervisor(HostInfo i) {
        if (i.hypervisor().isEmpty()) {
            return "none";
        }
        return i.hostOs().isEmpty() ? i.hypervisor() : i.hypervisor() + " on " + i.hostOs();
    }

    static String policy(StartPolicy p) {
        return (p.maxConcurrentBoots() == 0 ? "no limit on concurrent boots"
                : "at most " + Plural.of(p.maxConcurrentBoots(), "concurrent boot")) + ", " + (p.groupDelay().isZero() ? "no delay between boot-priority groups"
                : Times.length(p.groupDelay()) + " between boot-priority groups");
    }
}
