package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.render.Json;
import picocli.CommandLine.Option;

/**
 * A command that reads the lab and changes nothing. It takes {@code --json}: one JSON document on stdout, built from
 * the facade's records by {@link Json} (field names are the records' component names, as the contract lists them);
 * without it, a human view ({@link #print}).
 *
 * @param <T> what {@link #read} returns
 */
public abstract class ReadCommand<T> extends ShellCommand {
    @Option(names = "--json", description = "Print one JSON document on stdout (sizes in bytes, times in lab-time seconds).")
    protected boolean json;

    protected ReadCommand(ShellContext ctx) {
        super(ctx);
    }

    /** Reads what the command shows, through the facade. */
    protected abstract T read(Lab lab);

    /** The human view. */
    protected abstract void print(T value);

    /** The JSON value; the record itself unless a command shapes it. */
    protected Object json(T value) {
        return value;
    }

    /** Writes files the command was asked for ({@code timeline --html}); before the JSON or human view. */
    protected void export(T value) {}

    /**
     * After the view is printed: a command whose reading is bad news ({@code disk check} of a corrupt image) throws here
     * ({@link dev.hyperlab.api.lab.LabException} or {@link ShellException}), so the report is still shown, JSON too,
     * and the command still fails: a one-line error on stderr, exit status 1 in batch mode.
     */
    protected void conclude(T value) {}

    @Override
    public final Integer call() {
        T value = read(lab());
        export(value);
        if (json) {
            Json.write(json(value), out());
        } else {
            print(value);
        }
        out().flush();
        conclude(value);
        return 0;
    }
}
