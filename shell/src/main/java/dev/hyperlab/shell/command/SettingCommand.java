package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.render.Json;
import picocli.CommandLine.Option;

/**
 * A command that shows a setting when given no options and changes it when given some ({@code host policy},
 * {@code mem policy}). It changes the lab, so it takes {@code --dry-run}; it reads it, so it takes {@code --json}, as
 * every reading command does: the setting as it is once the command is done, as one JSON document.
 *
 * @param <T> the setting, a facade record ({@code StartPolicy}, {@code MemoryPolicy})
 */
public abstract class SettingCommand<T> extends ChangeCommand {
    @Option(names = "--json", description = "Print the setting (as it is after the command) as one JSON document on "
            + "stdout (sizes in bytes, times in lab-time seconds).")
    protected boolean json;

    protected SettingCommand(ShellContext ctx) {
        super(ctx);
    }

    /** The setting now, through the facade. */
    protected abstract T setting(Lab lab);

    /** Changes the setting as the options say; nothing when none is given. */
    protected abstract void set(Lab lab);

    /** The human view. */
    protected abstract void print(T setting);

    @Override
    protected final void apply(Lab lab) {
        jsonExcludesDryRun(json, "shows the setting");
        set(lab);
    }

    @Override
    protected final void report(Lab lab, boolean dryRun) {
        T s = setting(lab);
        if (json) {
            Json.write(s, out());
        } else {
            print(s);
        }
    }
}
