package dev.hyperlab.shell.commands.script;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.command.StopAtPositional;
import dev.hyperlab.shell.command.ShellHome;
import dev.hyperlab.shell.script.JsSession;
import dev.hyperlab.shell.script.ScriptAccess;
import dev.hyperlab.shell.script.ScriptLimits;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code run FILE.js [ARGS...]}: a JavaScript automation script in a fresh context, with {@code lab} and {@code args}
 * bound. Its status is the script's: 0 when it ran to its end, its {@code exit(code)}, 1 on an uncaught error.
 * {@code hyperlab run FILE.js} is this command in batch mode.
 */
@StopAtPositional
@Command(name = "run", description = "Run a JavaScript automation script with `lab` bound and ARGS as its `args`; "
        + "the status is the script's (0, its exit(code), or 1 on an uncaught error, shown as SCRIPT:LINE:COLUMN: "
        + "MESSAGE, with the script's stack below when it failed inside a function). Options go before FILE.js; "
        + "everything after it is the script's. Standard output is the script's: --dry-run predicts on stderr. "
        + "Ctrl-C stops it.")
public final class RunCommand extends ChangeCommand {
    @Option(names = "--statement-limit", paramLabel = "N", description = "Stop the script after N JavaScript "
            + "statements (default 1000000000; 0: no limit).")
    Long statements;

    @Option(names = "--cpu-limit", paramLabel = "DURATION", description = "Stop the script after DURATION of CPU "
            + "time, the simulation it runs included (default 10m; 0: no limit).")
    String cpu;

    @Option(names = "--memory-limit", paramLabel = "SIZE", description = "Stop the script when it keeps more than SIZE "
            + "of memory (what the heap holds more than when it started, the labs it forks included; no typed array "
            + "or string may be larger either). Default 1GiB, or half the shell's heap when that is less; 0: no "
            + "limit of its own.")
    String memory;

    @Option(names = "--allow-path", paramLabel = "DIR", description = "Let the script name files below DIR in its "
            + "calls (backup repositories, restore targets, disk images, files to back up), besides its lab's directory "
            + "and hyperlab's home, the only ones it may name without this. Repeatable.")
    List<String> allowPaths = new ArrayList<>();

    @Option(names = "--allow-net", description = "Let the script name repository URLs (s3:...): without it, a script "
            + "reaches no network.")
    boolean allowNet;

    @Parameters(index = "0", paramLabel = "FILE.js", description = "The script.",
            completionCandidates = ScriptFiles.class)
    String file;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "The script's arguments (its `args`).")
    List<String> args = new ArrayList<>();

    private int status;

    RunCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        ScriptLimits limits = limits();
        String code = read(file);
        JsSession js = ctx.service(JsSession.class, () -> new JsSession(ctx));
        status = ScriptResults.status(ctx, js.run(file, code, args, lab, limits, access()), file);
    }

    /** The script's own lab's directory, hyperlab's home and the directories given: what its calls may name. */
    private ScriptAccess access() {
        List<Path> roots = new ArrayList<>();
        roots.add(ShellHome.dir());
        ctx.labDirectory().ifPresent(roots::add);
        for (String dir : allowPaths) {
            try {
                roots.add(Path.of(dir));
            } catch (java.nio.file.InvalidPathException e) {
                throw new ShellException("--allow-path " + dir + " is not a path", "name a directory");
            }
        }
        return ScriptAccess.confined(roots, allowNet);
    }

    private ScriptLimits limits() {
        long n = statements == null ? ScriptLimits.DEFAULT.statements() : statements;
        if (n < 0) {
            throw new ShellException("--statement-limit " + n + " is negative", "a count, or 0 for no limit");
        }
        Duration d = cpu == null ? ScriptLimits.DEFAULT.cpu()
                : cpu.strip().equals("0") ? Duration.ZERO : Args.duration("--cpu-limit", cpu);
        return new ScriptLimits(n, d, memory());
    }

    private long memory() {
        if (memory == null) {
            return ScriptLimits.DEFAULT.memory();
        }
        long bytes = Args.size("--memory-limit", memory);
        if (bytes > ScriptLimits.maxMemory()) {
            throw new ShellException("--memory-limit " + memory.strip() + " is more than the shell's heap can give a "
                    + "script (" + Sizes.format(ScriptLimits.maxMemory()) + " at most)",
                    "HYPERLAB_JAVA_OPTS=-XmxSIZE gives the shell a larger heap");
        }
        return bytes;
    }

    /** The script's text; a missing or unreadable file is one error line. */
    static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new ShellException("no script " + file, "check the path; scripts/ has examples");
        } catch (MalformedInputException e) {
            throw new ShellException("script " + file + " is not UTF-8 text", "save it as UTF-8");
        } catch (IOException e) {
            throw new ShellException("cannot read " + file + ": " + e.getMessage(), "check the path");
        }
    }

    /** The script's output is the script's: a dry run's prediction goes to stderr, so --json output stays one document. */
    @Override
    protected boolean outputIsTheCommands() {
        return true;
    }

    @Override
    protected int status() {
        return status;
    }
}
