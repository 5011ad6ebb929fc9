package dev.hyperlab.shell;

import dev.hyperlab.shell.error.ShellException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code hyperlab} command line: which lab, which mode. Parsed by hand (a few options; picocli's reflection
 * would cost start-up time before the first prompt).
 *
 * @param lab {@code --lab NAME|DIR} as given (see {@link dev.hyperlab.shell.command.ShellHome#lab}), else empty for the default lab
 * @param seed {@code --seed N} for a new lab, else empty
 * @param commands {@code -c 'CMD; CMD'}, else empty
 * @param file a command file ({@code hyperlab FILE.hl}), else empty
 * @param debug {@code --debug}: stack traces with errors
 * @param version {@code --version}
 * @param help {@code --help}
 * @param run {@code run SCRIPT.js [ARGS...]}: the words after {@code run} (its options, the script, its arguments),
 *     else empty
 * @param plugins {@code --plugins DIR}, each: more directories to load plugins from
 * @param backend {@code --backend simulation|qemu} for a new lab, else empty (a lab that exists keeps its own)
 */
public record Invocation(Optional<String> lab, Optional<Long> seed, Optional<String> commands, Optional<Path> file,
        boolean debug, boolean version, boolean help, Optional<List<String>> run, List<Path> plugins,
        Optional<String> backend) {

    /** One option of the command line, for {@code --help} and docs/commands.md. */
    public record Opt(String names, String param, String description) {}

    /** The options, in the order {@code --help} shows them. */
    public static final List<Opt> OPTIONS = List.of(
            new Opt("--lab", "NAME|DIR", "Use (or create) a lab: a NAME (no /) is a lab kept in $HYPERLAB_HOME/labs/"
                    + "NAME (lab list lists them); a path (./x, /x, a/b) is a lab directory. --lab demo creates the "
                    + "demo lab. Default: $HYPERLAB_LAB, else the lab named default."),
            new Opt("--seed", "N", "The root seed of a new lab (default 1). Same seed, same commands, same "
                    + "results. A lab that exists keeps its own seed."),
            new Opt("--backend", "simulation|qemu", "What runs a new lab's machines: the embedded simulation "
                    + "(default), or real QEMU virtual machines on this machine (docs/qemu.md). A lab that exists "
                    + "keeps its backend."),
            new Opt("-c", "'CMD; CMD'", "Run the commands, print, exit: status 1 at the first error, which is "
                    + "printed on stderr as 'error: WHAT (HINT)'."),
            new Opt("--plugins", "DIR", "Also load the plugins (PF4J zips or jars) in DIR; may be given more than"
                    + " once. Plugins installed with 'plugin install' are in $HYPERLAB_HOME/plugins."),
            new Opt("--debug", "", "Print the stack trace with an error."),
            new Opt("--version", "", "Print the version and exit."),
            new Opt("--help", "", "Print this help and exit."));

    /** The usage text of {@code hyperlab --help}. */
    public static String usage() {
        StringBuilder b = new StringBuilder("""
                Usage: hyperlab [--lab NAME|DIR] [--seed N] [--backend simulation|qemu] [--debug]   REPL on a terminal
                       hyperlab [--lab NAME|DIR] [--seed N] -c 'CMD; CMD; ...' run commands, exit
                       hyperlab [--lab NAME|DIR] [--seed N] FILE.hl           run a command file (one command a line, # comments)
                       hyperlab [--lab NAME|DIR] < FILE.hl                   piped stdin runs like a command file
                       hyperlab [--lab NAME|DIR] run SCRIPT.js [ARGS...]      run a JavaScript script, exit with its status
                       hyperlab --version | --help

                hyperlab is an interactive shell over a deterministic virtualization lab: hosts, hypervisors and
                VMs booting through firmware, bootloader and OS, contending for CPU and disk.

                Options:
                """);
        for (Opt o : OPTIONS) {
            String left = "  " + o.names() + (o.param().isEmpty() ? "" : " " + o.param());
            b.append(left).append(" ".repeat(Math.max(2, 18 - left.length()))).append(o.description()).append('\n');
        }
        b.append("""

                Batch modes (-c, FILE, run, piped stdin) print no prompt and no colour. Inside, help lists the
                commands. JavaScript runs interpreted; HYPERLAB_JS_JIT=on compiles it (docs/automation.md).
                Environment: HYPERLAB_LAB (the default lab), HYPERLAB_HOME (instead of ~/.hyperlab: history, labs,
                plugins), HYPERLAB_PLUGIN_TIMEOUT (how long one plugin call may take, default 2s),
                HYPERLAB_JS_JIT (on: the Graal JIT for JavaScript).
                Quick start: hyperlab --lab demo""");
        return b.toString();
    }

    /** Parses the arguments of {@code main}. */
    public static Invocation parse(String[] args) {
        String lab = null;
        Long seed = null;
        String commands = null;
        Path file = null;
        boolean debug = false;
        boolean version = false;
        boolean help = false;
        List<String> run = null;
        List<Path> plugins = new java.util.ArrayList<>();
        String backend = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("run") && file == null && commands == null) { // the rest is the run command's
                run = List.of(args).subList(i + 1, args.length);
                if (run.isEmpty()) {
                    throw new ShellException("run needs a script", "hyperlab run SCRIPT.js [ARGS...]");
                }
                break;
            }
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--lab" -> {
                    String given = value != null ? value : next(args, ++i, "--lab", "NAME|DIR");
                    if (lab != null) {
                        throw new ShellException("--lab given twice: '" + lab + "' and '" + given + "'",
                                "give one lab");
                    }
                    if (given.isBlank()) {
                        throw new ShellException("--lab needs a lab name or directory", "e.g. --lab mylab or --lab ./mylab");
                    }
                    lab = given;
                }
                case "--seed" -> {
                    String s = value != null ? value : next(args, ++i, "--seed", "N");
                    try {
                        seed = Long.parseLong(s);
                    } catch (NumberFormatException e) {
                        throw new ShellException("--seed: '" + s + "' is not a whole number", "e.g. --seed 42");
                    }
                }
                case "--backend" -> {
                    backend = value != null ? value : next(args, ++i, "--backend", "simulation|qemu");
                    if (!backend.equals("simulation") && !backend.equals("qemu")) {
                        throw new ShellException("--backend: '" + backend + "' is not a backend",
                                "simulation (the default) or qemu");
                    }
                }
                case "-c" -> commands = next(args, ++i, "-c", "'CMD; CMD'");
                case "--plugins" -> plugins.add(Path.of(value != null ? value : next(args, ++i, "--plugins", "DIR")));
                case "--debug" -> debug = true;
                case "--version", "-V" -> version = true;
                case "--help", "-h" -> help = true;
                default -> {
                    if (a.startsWith("-")) {
                        throw new ShellException("unknown option '" + a + "'", "hyperlab --help lists the options");
                    }
                    if (file != null) {
                        throw new ShellException("unexpected argument '" + a + "'",
                                "give one command file; hyperlab --help shows the forms");
                    }
                    file = Path.of(a);
                }
            }
        }
        if (commands != null && file != null) {
            throw new ShellException("give -c or a command file, not both", "hyperlab --help shows the forms");
        }
        return new Invocation(Optional.ofNullable(lab), Optional.ofNullable(seed), Optional.ofNullable(commands),
                Optional.ofNullable(file), debug, version, help, Optional.ofNullable(run), List.copyOf(plugins),
                Optional.ofNullable(backend));
    }

    private static String next(String[] args, int i, String option, String param) {
        if (i >= args.length) {
            throw new ShellException(option + " needs a value", "write " + option + " " + param);
        }
        return args[i];
    }
}
