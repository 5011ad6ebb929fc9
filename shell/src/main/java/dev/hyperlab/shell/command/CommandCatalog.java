package dev.hyperlab.shell.command;

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
import dev.hyperlab.shell.commands.host.HostCommands;
import dev.hyperlab.shell.commands.lab.LabCommands;
import dev.hyperlab.shell.commands.disk.DiskCommands;
import dev.hyperlab.shell.commands.mem.MemCommands;
import dev.hyperlab.shell.commands.script.JavaCommand;
import dev.hyperlab.shell.commands.script.JsCommand;
import dev.hyperlab.shell.commands.script.RunCommand;
import dev.hyperlab.shell.commands.plugin.PluginCommands;
import dev.hyperlab.shell.commands.snapshot.SnapshotCommands;
import dev.hyperlab.shell.commands.vm.VmCommands;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of command groups: every first word the shell knows, in {@code help} order. Pure data; nothing is
 * loaded or reflected on until a group is used, which keeps start-up fast.
 */
public final class CommandCatalog {
    private final Map<String, CommandGroup> groups = new LinkedHashMap<>();

    public CommandCatalog(List<CommandGroup> groups) {
        groups.forEach(this::add);
    }

    /** The shell's built-in groups. A feature adds its line here. */
    public static CommandCatalog builtIn() {
        return new CommandCatalog(List.of(
                CommandGroup.of("lab", Section.LAB, LabCommands.class),
                CommandGroup.of("profiles", Section.LAB, ProfilesCommand.class),
                CommandGroup.of("time", Section.LAB, TimeCommand.class),
                CommandGroup.of("advance", Section.LAB, AdvanceCommand.class),
                CommandGroup.of("wait", Section.LAB, WaitCommand.class),
                CommandGroup.of("host", Section.HOSTS, HostCommands.class),
                CommandGroup.of("vm", Section.VMS, VmCommands.class),
                CommandGroup.of("mem", Section.MEMORY, MemCommands.class),
                CommandGroup.of("snapshot", Section.SNAPSHOTS, SnapshotCommands.class),
                CommandGroup.of("disk", Section.DISKS, DiskCommands.class),
                CommandGroup.of("backup", Section.BACKUPS, BackupCommands.class),
                CommandGroup.of("timeline", Section.TIMELINES, TimelineCommand.class),
                CommandGroup.of("events", Section.TIMELINES, EventsCommand.class),
                CommandGroup.code("js", Section.PLUGINS, JsCommand.class),
                CommandGroup.of("run", Section.PLUGINS, RunCommand.class),
                CommandGroup.code("java", Section.PLUGINS, JavaCommand.class),
                CommandGroup.of("plugin", Section.PLUGINS, PluginCommands.class),
                CommandGroup.of("help", Section.SHELL, HelpCommand.class),
                CommandGroup.of("demo", Section.SHELL, DemoCommand.class),
                CommandGroup.of("exit", Section.SHELL, ExitCommand.class)));
    }

    /** Adds a group; its name must be new. */
    public void add(CommandGroup group) {
        if (groups.putIfAbsent(group.name(), group) != null) {
            throw new IllegalArgumentException("command group '" + group.name() + "' is registered twice");
        }
    }

    public Optional<CommandGroup> find(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    /** Every group, in registration order. */
    public List<CommandGroup> groups() {
        return Collections.unmodifiableList(new ArrayList<>(groups.values()));
    }

    public List<String> names() {
        return List.copyOf(groups.keySet());
    }
}
