package dev.hyperlab.shell.command;

import dev.hyperlab.shell.completion.NameProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One first word of the shell ({@code vm}, {@code host}, {@code time}, ...) and the picocli command class that
 * defines it: either a group whose subcommands are the verbs ({@code vm start}) or a single command
 * ({@code advance}). The picocli definition is the one source of parsing, {@code --help}, {@code help}, Tab
 * completion and docs/commands.md.
 *
 * <p>A feature adds its commands by writing the picocli classes (see {@link ShellCommand}, {@link ReadCommand},
 * {@link ChangeCommand}) and one {@code CommandGroup} line in {@link dev.hyperlab.shell.BuiltInCommands}.
 *
 * @param name the first word; must equal the {@code @Command(name)} of {@code command}
 * @param section where {@code help} lists it
 * @param command the {@code @Command} class; built lazily, only when the group is first used
 * @param multiLine whether the REPL keeps reading lines until brackets and quotes balance ({@code js}, {@code java})
 * @param names the providers of the live-name kinds this group's commands declare beyond the shell's common ones
 *     ({@link dev.hyperlab.shell.completion.NameProviders#builtIn()}): a group brings the completion it owns
 */
public record CommandGroup(String name, Section section, Class<?> command, boolean multiLine,
        Map<String, NameProvider> names) {
    public CommandGroup {
        Objects.requireNonNull(name);
        Objects.requireNonNull(section);
        Objects.requireNonNull(command);
        names = Map.copyOf(names);
    }

    public CommandGroup(String name, Section section, Class<?> command, boolean multiLine) {
        this(name, section, command, multiLine, Map.of());
    }

    public static CommandGroup of(String name, Section section, Class<?> command) {
        return new CommandGroup(name, section, command, false);
    }

    /** A group whose argument is code ({@code js}, {@code java}): the rest of the line or block, unsplit. */
    public static CommandGroup code(String name, Section section, Class<?> command) {
        return new CommandGroup(name, section, command, true);
    }

    /** This group, also providing the names of {@code kind} (a {@code LiveNames} its commands declare). */
    public CommandGroup completing(String kind, NameProvider provider) {
        Map<String, NameProvider> more = new LinkedHashMap<>(names);
        more.put(kind, Objects.requireNonNull(provider));
        return new CommandGroup(name, section, command, multiLine, more);
    }
}
