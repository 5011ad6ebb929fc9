package dev.hyperlab.shell.command;

import java.util.Objects;

/**
 * One first word of the shell ({@code vm}, {@code host}, {@code time}, ...) and the picocli command class that
 * defines it: either a group whose subcommands are the verbs ({@code vm start}) or a single command
 * ({@code advance}). The picocli definition is the one source of parsing, {@code --help}, {@code help}, Tab
 * completion and docs/commands.md.
 *
 * <p>A feature adds its commands by writing the picocli classes (see {@link ShellCommand}, {@link ReadCommand},
 * {@link ChangeCommand}) and one {@code CommandGroup} line in {@link CommandCatalog#builtIn()}.
 *
 * @param name the first word; must equal the {@code @Command(name)} of {@code command}
 * @param section where {@code help} lists it
 * @param command the {@code @Command} class; built lazily, only when the group is first used
 * @param multiLine whether the REPL keeps reading lines until brackets and quotes balance ({@code js}, {@code java})
 */
public record CommandGroup(String name, Section section, Class<?> command, boolean multiLine) {
    public CommandGroup {
        Objects.requireNonNull(name);
        Objects.requireNonNull(section);
        Objects.requireNonNull(command);
    }

    public static CommandGroup of(String name, Section section, Class<?> command) {
        return new CommandGroup(name, section, command, false);
    }

    /** A group whose argument is code ({@code js}, {@code java}): the rest of the line or block, unsplit. */
    public static CommandGroup code(String name, Section section, Class<?> command) {
        return new CommandGroup(name, section, command, true);
    }
}
