package dev.hyperlab.shell.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of command groups: every first word the shell knows, in {@code help} order. Pure data; nothing is
 * loaded or reflected on until a group is used, which keeps start-up fast. The shell's own groups are listed by
 * {@link dev.hyperlab.shell.BuiltInCommands}, in the root package: the one place that knows every command, so that
 * no package below it has to.
 */
public final class CommandCatalog {
    private final Map<String, CommandGroup> groups = new LinkedHashMap<>();

    public CommandCatalog(List<CommandGroup> groups) {
        groups.forEach(this::add);
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
