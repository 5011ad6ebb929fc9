package dev.hyperlab.shell;

import dev.hyperlab.shell.command.CommandCatalog;
import dev.hyperlab.shell.command.CommandGroup;
import dev.hyperlab.shell.command.Section;
import dev.hyperlab.shell.commands.AdvanceCommand;
import dev.hyperlab.shell.commands.DemoCommand;
import dev.hyperlab.shell.commands.EventsCommand;
import dev.hyperlab.shell.commands.ExitCommand;
import dev.hyperlab.shell.commands.HelpCommand;
import dev.hyperlab.shell.commands.ProfilesCommand;
import dev.hyperlab.shell.commands.TimeCommand;
import dev.hyperlab.shell.commands.TimelineCommand;
import dev.hyperlab.shell.commands.WaitCommand;
import dev.hyperlab.shell.commands.backup.BackupCommands;
import dev.hyperlab.shell.commands.disk.DiskCommands;
import dev.hyperlab.shell.commands.host.HostCommands;
import dev.hyperlab.shell.commands.lab.LabCommands;
import dev.hyperlab.shell.commands.mem.MemCommands;
import dev.hyperlab.shell.commands.plugin.PluginCommands;
import dev.hyperlab.shell.commands.script.JavaCommand;
import dev.hyperlab.shell.commands.script.JsCommand;
import dev.hyperlab.shell.commands.script.RunCommand;
import dev.hyperlab.shell.commands.script.ScriptFiles;
import dev.hyperlab.shell.commands.snapshot.SnapshotCommands;
import dev.hyperlab.shell.commands.vm.VmCommands;
import dev.hyperlab.shell.commands.workload.WorkloadCommands;
import java.util.List;

/**
 * The shell's built-in command groups, in {@code help} order. This is the composition root's list: the only place that
 * names every command group, so {@code command/} (the machinery) never imports {@code commands/} (the groups).
 */
public final class BuiltInCommands {
    private BuiltInCommands() {}

    /** The built-in groups. A feature adds its line here (with the live-name kinds its commands complete). */
    public static CommandCatalog catalog() {
        return new CommandCatalog(List.of(
                CommandGroup.of("lab", Section.LAB, LabCommands.class),
                CommandGroup.of("profiles", Section.LAB, ProfilesCommand.class),
                CommandGroup.of("time", Section.LAB, TimeCommand.class),
                CommandGroup.of("advance", Section.LAB, AdvanceCommand.class),
                CommandGroup.of("wait", Section.LAB, WaitCommand.class),
                CommandGroup.of("host", Section.HOSTS, HostCommands.class),
                CommandGroup.of("vm", Section.VMS, VmCommands.class),
                CommandGroup.of("workload", Section.VMS, WorkloadCommands.class),
                CommandGroup.of("mem", Section.MEMORY, MemCommands.class),
                CommandGroup.of("snapshot", Section.SNAPSHOTS, SnapshotCommands.class),
                CommandGroup.of("disk", Section.DISKS, DiskCommands.class),
                CommandGroup.of("backup", Section.BACKUPS, BackupCommands.class),
                CommandGroup.of("timeline", Section.TIMELINES, TimelineCommand.class),
                CommandGroup.of("events", Section.TIMELINES, EventsCommand.class),
                CommandGroup.code("js", Section.PLUGINS, JsCommand.class),
                CommandGroup.of("run", Section.PLUGINS, RunCommand.class)
                        .completing(ScriptFiles.KIND, ScriptFiles.NAMES),
                CommandGroup.code("java", Section.PLUGINS, JavaCommand.class),
                CommandGroup.of("plugin", Section.PLUGINS, PluginCommands.class),
                CommandGroup.of("help", Section.SHELL, HelpCommand.class),
                CommandGroup.of("demo", Section.SHELL, DemoCommand.class),
                CommandGroup.of("exit", Section.SHELL, ExitCommand.class)));
    }
}
