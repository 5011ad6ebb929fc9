package dev.hyperlab.shell.commands.workload;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.WorkloadInfo;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Table;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code workload list}: every workload with what it asks of the host each second. */
@Command(name = "list", description = "Every workload a running VM can have, built-in then the lab's own, with "
        + "what it asks of its host each second: a share of each vCPU, reads, random writes and appends, bytes its "
        + "NIC receives and sends. JSON: a list of {id, description, source, cpuPerVcpu, readIops, readSize, "
        + "writeIops, writeSize, appendIops, appendSize, netRx, netTx} (sizes in bytes, rates in bytes a second).")
final class WorkloadList extends ReadCommand<List<WorkloadInfo>> {
    WorkloadList(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<WorkloadInfo> read(Lab lab) {
        return lab.workloads();
    }

    @Override
    protected void print(List<WorkloadInfo> all) {
        if (all.isEmpty()) {
            out().println("this lab runs no modelled workloads");
            return;
        }
        Table t = new Table("WORKLOAD", "SOURCE", "CPU/VCPU", "READS/S", "WRITES/S", "APPENDS/S", "NET IN/S",
                "NET OUT/S", "DESCRIPTION").alignRight(2, 3, 4, 5, 6, 7);
        for (WorkloadInfo w : all) {
            t.row(w.id(), w.source(), Math.round(w.cpuPerVcpu() * 100) + "%",
                    WorkloadViews.rate(w.readIops(), w.readSize()), WorkloadViews.rate(w.writeIops(), w.writeSize()),
                    WorkloadViews.rate(w.appendIops(), w.appendSize()), net(w.netRx()), net(w.netTx()),
                    w.description());
        }
        t.print(out(), style());
    }

    private static String net(long bytesPerSecond) {
        return bytesPerSecond == 0 ? "-" : dev.hyperlab.api.lab.Sizes.format(bytesPerSecond);
    }
}
