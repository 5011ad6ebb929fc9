package dev.hyperlab.shell.commands.snapshot;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.SnapshotInfo;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Table;
import dev.hyperlab.shell.render.Times;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snapshot list VM [--tree] [--json]}: like {@code virsh snapshot-list [--tree]}. */
@Command(name = "list", description = {"A VM's snapshots, oldest first: parent, when (lab time), the VM's state "
        + "then, memory saved or disk-only, consistency (application, crash, offline), description; * marks the "
        + "current one. Snapshots made outside hyperlab (qemu-img snapshot -c) are listed as external, disk-only. "
        + "--tree draws the tree. JSON: a list of snapshot objects (parent and children give the tree)."})
final class SnapshotList extends ReadCommand<List<SnapshotInfo>> {
    @Parameters(paramLabel = "VM", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String vm;

    @Option(names = "--tree", description = "Draw the snapshots as a tree, children under their parent.")
    boolean tree;

    SnapshotList(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<SnapshotInfo> read(Lab lab) {
        return lab.vm(vm).snapshots();
    }

    @Override
    protected void print(List<SnapshotInfo> all) {
        if (all.isEmpty()) {
            out().println(vm + " has no snapshots (snapshot create " + vm + " NAME)");
            return;
        }
        if (tree) {
            printTree(all);
            return;
        }
        Table t = new Table("NAME", "PARENT", "CREATED", "STATE", "MEMORY", "CONSISTENCY", "DESCRIPTION")
                .alignRight(4);
        for (SnapshotInfo s : all) {
            t.row((s.current() ? "* " : "  ") + s.name(), s.parent().isEmpty() ? "-" : s.parent(),
                    s.external() ? "external" : Times.at(s.created()), style().state(s.state().id()), memory(s),
                    s.consistency().id(), s.description());
        }
        t.print(out(), style());
    }

    private static String memory(SnapshotInfo s) {
        return s.diskOnly() ? "disk-only" : Sizes.format(s.memory());
    }

    private void printTree(List<SnapshotInfo> all) {
        Map<String, SnapshotInfo> byName = new LinkedHashMap<>();
        all.forEach(s -> byName.put(s.name(), s));
        for (SnapshotInfo s : all) {
            if (s.parent().isEmpty() || !byName.containsKey(s.parent())) {
                branch(byName, s, "", "");
            }
        }
    }

    private void branch(Map<String, SnapshotInfo> byName, SnapshotInfo s, String lead, String childLead) {
        out().println(lead + style().bold(s.name()) + (s.current() ? " *" : "") + "  " + style().dim(
                (s.external() ? "external" : Times.at(s.created())) + ", " + s.state().id() + ", " + memory(s) + ", "
                        + s.consistency().id() + (s.description().isEmpty() ? "" : ": " + s.description())));
        List<String> kids = s.children().stream().filter(byName::containsKey).toList();
        for (int i = 0; i < kids.size(); i++) {
            boolean last = i == kids.size() - 1;
            branch(byName, byName.get(kids.get(i)), childLead + (last ? "└── " : "├── "),
                    childLead + (last ? "    " : "│   "));
        }
    }
}
