package dev.hyperlab.shell.commands.lab;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabInfo;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Fields;
import dev.hyperlab.shell.render.Times;
import dev.hyperlab.shell.script.ScriptingStatus;
import dev.hyperlab.shell.snippet.SnippetStatus;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code lab info}: seed, lab time, counts, plugins, engine version, disk space and budget. */
@picocli.CommandLine.Command(name = "info", description = "Seed, lab time, counts, plugins, engine version, the disk "
        + "space the lab takes (blocks that hold data, not apparent sizes) and its disk budget.")
final class LabInfoCommand extends ReadCommand<LabInfo> {
    LabInfoCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected LabInfo read(Lab lab) {
        return lab.info();
    }

    @Override
    protected void print(LabInfo i) {
        new Fields()
                .add("directory", i.directory().isEmpty() ? "(in memory)" : i.directory())
                .add("backend", i.backend().equals("qemu") ? "qemu (real VMs on this machine; lab time is wall time)"
                        : i.backend())
                .add("seed", i.seed())
                .add("lab time", Times.at(i.time()))
                .add("hosts", i.hosts() + " (" + i.hostsRunning() + " running)")
                .add("vms", i.vms() + " (" + i.vmsRunning() + " running)")
                .add("pending events", i.pendingEvents())
                .add("engine version", i.engineVersion())
                .add("plugins", i.plugins().isEmpty() ? "none" : String.join(", ", i.plugins()))
                .add("disk used", i.directory().isEmpty() ? "none (in memory)" : Sizes.format(i.diskUsed()) + " ("
                        + Sizes.format(i.diskApparent()) + " apparent: thin images and sparse disks take less)")
                .add("disk budget", i.directory().isEmpty() ? "none (in memory)" : i.backend().equals("qemu")
                        ? "none (real guests write what they write)" : Sizes.format(i.diskBudget())
                        + " of new data per advance (" + (i.diskBudgetSetting().equals("auto")
                        ? "auto: half the " + Sizes.format(i.diskFree()) + " free" : "set; "
                        + Sizes.format(i.diskFree()) + " free") + "; lab set --disk-budget changes it)")
                .add("javascript", ScriptingStatus.javascript())
                .add("java snippets", SnippetStatus.describe(ctx))
                .print(out(), style());
    }

    /**
     * The record's fields, then what runs scripts in this shell ({@code javascript}, {@code javaSnippets}): a
     * property of the process, not of the lab, so it is added here rather than to the facade's {@link LabInfo}.
     */
    @Override
    protected Object json(LabInfo value) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent rc : LabInfo.class.getRecordComponents()) {
            try {
                m.put(rc.getName(), rc.getAccessor().invoke(value));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        m.put("javascript", ScriptingStatus.javascript());
        m.put("javaSnippets", SnippetStatus.describe(ctx));
        return m;
    }
}
