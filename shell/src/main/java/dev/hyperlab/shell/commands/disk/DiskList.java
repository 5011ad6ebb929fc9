package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.api.lab.Disk;
import dev.hyperlab.api.lab.DiskInfo;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Table;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code disk list}: the images the lab knows. */
@Command(name = "list", description = "The images the lab knows: its VMs' disks, the base images their overlays "
        + "share, its physical hosts' disks, and those made by disk create and disk convert (JSON: a list of disk "
        + "info objects).")
final class DiskList extends ReadCommand<List<DiskInfo>> {
    DiskList(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<DiskInfo> read(Lab lab) {
        return lab.disks().stream().map(Disk::info).toList();
    }

    @Override
    protected void print(List<DiskInfo> disks) {
        if (disks.isEmpty()) {
            out().println("no disk images yet (disk create PATH --size SIZE, or vm create ... --os PROFILE)");
            return;
        }
        Table t = new Table("PATH", "FORMAT", "VIRTUAL", "ALLOCATED", "ROLE", "USED BY").alignRight(2, 3);
        for (DiskInfo i : disks) {
            t.row(i.path(), i.format(), Sizes.format(i.virtualSize()), Sizes.format(i.actualSize()), i.role(),
                    i.usedBy().isEmpty() ? "-" : String.join(", ", i.usedBy()));
        }
        t.print(out(), style());
    }
}
