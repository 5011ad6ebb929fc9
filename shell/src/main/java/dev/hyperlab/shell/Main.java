package dev.hyperlab.shell;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.backup.BackupRepository;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.core.storage.SparseFiles;
import dev.hyperlab.shell.batch.Batch;
import dev.hyperlab.shell.command.CallOptions;
import dev.hyperlab.shell.command.Commands;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.command.ShellHome;
import dev.hyperlab.shell.commands.Demo;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.plugin.Plugins;
import dev.hyperlab.shell.render.Output;
import dev.hyperlab.shell.render.Style;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Entry point: {@code hyperlab} (REPL on a terminal), {@code -c 'CMD; CMD'}, {@code hyperlab FILE.hl}, piped stdin,
 * {@code --version}, {@code --help}. See {@link Invocation#usage()}.
 */
public final class Main {
    private Main() {}

    /** Words of a {@code -c} line whose commands may open, lock or convert images (see {@link #run}). */
    private static final String IMAGE_WORDS = "(^|[^a-z-])(disk|backup|snapshot|clone|start|create|run|js|java|demo"
            + "|apply|migrate|maintenance|restore|convert)([^a-z-]|$)";

    public static void main(String[] args) {
        int status = run(args);
        if (status == 0 && noOtherLiveThreads()) {
            // The JVM then ends as after System.exit(0), shutdown hooks included, but Runtime.exit first looks up a
            // System.Logger to log the call, and that lookup (a ServiceLoader over the whole class path) opens and
            // indexes every one of the 27 jars: tens of milliseconds of every command (docs/performance.md, issue 15)
            return;
        }
        System.exit(status);
    }

    /** Whether every thread but this one is a daemon, so that returning from main ends the JVM at once. */
    private static boolean noOtherLiveThreads() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t != Thread.currentThread() && !t.isDaemon() && t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A line that is one {@code backup} command opening an existing repository, with nothing the shell would expand or
     * unquote and no request for help.
     */
    private static final java.util.regex.Pattern OPENS_REPOSITORY = java.util.regex.Pattern.compile(
            "\\s*backup\\s+(files|list|run|restore|ls|diff|check|prune|forget)(?!.*\\s(--help|-h)(\\s|$))"
                    + "(\\s[^;\\n'\"\\\\$`]*)?");
    private static final java.util.regex.Pattern REPO = java.util.regex.Pattern.compile("\\s--repo(?:=|\\s+)(\\S+)");

    /**
     * What {@link #openRepositoryAhead} begins for a line: the repository's directory as the line names it (or the
     * default), the password it is opened with (null: none, which begins anything only for an unencrypted repository),
     * and whether the index is read too.
     */
    record Ahead(String repo, String password, boolean index) {}

    /**
     * What a {@code -c} line begins ahead with {@code password} ({@code $HYPERLAB_PASSWORD}: empty is unset), or null
     * for nothing: a line that is one {@code backup} command opening an existing local repository (see
     * {@link #OPENS_REPOSITORY}); the index too for the commands that load it (files, run, restore, ls).
     */
    static Ahead ahead(String line, String password) {
        if (!OPENS_REPOSITORY.matcher(line).matches()) {
            return null;
        }
        // the index too, read after the key on the same thread, for the commands that load it
        boolean index = line.strip().split("\\s+")[1].matches("files|run|restore|ls|diff");
        java.util.regex.Matcher m = REPO.matcher(line);
        String dir = m.find() ? m.group(1) : ShellHome.defaultBackups().toString();
        if (dir.startsWith("s3:")) {
            return null;
        }
        return new Ahead(dir, password == null || password.isEmpty() ? null : password, index);
    }

    /**
     * For such a line the repository's opening (with {@code $HYPERLAB_PASSWORD} its key's Argon2id derivation, 0.15-0.4
     * CPU-s; then for a backup, restore or file listing its index, also for an unencrypted repository) begins on a
     * spare core now, while this one opens the lab; the command's own open takes it (BackupRepository.openAhead). Any
     * other line opens as before.
     */
    private static void openRepositoryAhead(String line) {
        Ahead ahead = ahead(line, System.getenv("HYPERLAB_PASSWORD"));
        if (ahead == null) {
            return;
        }
        try {
            BackupRepository.openAhead(Path.of(ahead.repo()).toAbsolutePath().normalize(),
                    java.util.Optional.ofNullable(ahead.password()).map(String::toCharArray), ahead.index());
        } catch (RuntimeException e) {
            // not begun: the command opens the repository itself and reports what fails
        }
    }

    /** Runs the shell; the exit status (0, or 1 after an error). */
    public static int run(String[] args) {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err),
                StandardCharsets.UTF_8), true);
        Invocation inv;
        try {
            inv = Invocation.parse(args);
        } catch (ShellException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        java.io.OutputStream stdout = new java.io.BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 14));
        if (inv.help()) {
            out.println(Invocation.usage());
            out.flush();
            return 0;
        }
        if (inv.version()) {
            out.println("hyperlab " + version() + " (engine " + dev.hyperlab.core.engine.LabModel.ENGINE_VERSION
                    + ", Java " + Runtime.version().feature() + ")");
            out.flush();
            return 0;
        }
        // On a spare core while this one parses the command and opens the lab: picocli's first definition made (the
        // annotations' proxy classes: Commands.warmUp), the system calls the storage code will use linked, and
        // BigDecimal initialised (the static fields of Jackson's parser need it when lab.json is
        // read: its class initialisation, interpreted, took 10 ms and more of every command on this thread). A line
        // that names no command working on images gets statx alone (every lab's files are measured): the other four
        // calls were 40 ms of CPU for nothing in `lab info` (docs/performance.md, issue 15).
        inv.commands().ifPresent(Main::openRepositoryAhead);
        boolean images = inv.commands()
                .map(c -> java.util.regex.Pattern.compile(IMAGE_WORDS).matcher(c).find()).orElse(true);
        Thread.ofPlatform().daemon().name("hyperlab-warm-up").start(() -> {
            try {
                Commands.warmUp();
                java.math.BigDecimal.ZERO.signum();
            } catch (RuntimeException | LinkageError e) {
                // nothing made ahead: the command makes it, and reports what fails, as it would have
            }
            SparseFiles.linkNativeCalls(images);
        });
        Path dir = inv.lab().map(ShellHome::lab).orElseGet(ShellHome::defaultLab);
        long seed = inv.seed().orElse(Labs.DEFAULT_SEED);
        Plugins plugins;
        try {
            plugins = Plugins.of(ShellHome.plugins(), inv.plugins(), Plugins.limitFromEnvironment());
        } catch (ShellException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        Supplier<Lab> opener = () -> Labs.open(dir, seed, plugins.extensions(), inv.backend());
        boolean batch = inv.commands().isPresent() || inv.file().isPresent() || inv.run().isPresent()
                || !stdinIsTerminal();
        if (!batch) {
            return Interactive.run(inv, dir, opener, err, plugins);
        }
        Output output = new Output(out, err, Style.PLAIN, Main::columns, false, stdout);
        try (ShellContext ctx = new ShellContext(opener, output, BuiltInCommands.catalog(), inv.debug(), plugins)) {
            ctx.labDirectory(dir);
            ctx.unattended(true);
            if (!prepare(ctx, inv, dir, false)) {
                return 1;
            }
            if (inv.commands().isPresent()) {
                return Batch.run(ctx, inv.commands().get());
            }
            if (inv.run().isPresent()) {
                return ScriptMain.run(ctx, inv.run().get());
            }
            try (Reader in = inv.file().isPresent() ? Files.newBufferedReader(inv.file().get())
                    : new InputStreamReader(System.in, StandardCharsets.UTF_8)) {
                return Batch.run(ctx, in, inv.file().map(Path::toString).orElse("stdin"));
            } catch (NoSuchFileException e) {
                output.error("no command file " + inv.file().map(Path::toString).orElse("") + " (hyperlab --help "
                        + "shows the forms)");
                return 1;
            } catch (IOException e) {
                output.error("cannot read " + inv.file().map(Path::toString).orElse("stdin") + ": " + e.getMessage()
                        + " (check the path)");
                return 1;
            }
        } finally {
            out.flush();
        }
    }

    /**
     * What happens before the first command: the demo lab is created in a new lab directory named {@code demo}, and
     * a {@code --seed} an existing lab does not have is pointed out. False when the lab cannot be opened.
     */
    static boolean prepare(ShellContext ctx, Invocation inv, Path dir, boolean interactive) {
        boolean demo = dir.getFileName() != null && dir.getFileName().toString().equals("demo");
        if (!demo && inv.seed().isEmpty() && !interactive) {
            return true; // batch: open the lab only when a command needs it
        }
        try {
            Lab lab = ctx.lab();
            if (inv.seed().isPresent() && lab.info().seed() != inv.seed().get()) {
                ctx.output().note("note: --seed " + inv.seed().get() + " is for new labs; the lab in " + dir
                        + " keeps its seed " + lab.info().seed());
            }
            if (demo && Demo.isEmpty(lab)) {
                Demo.build(lab);
                if (interactive) {
                    ctx.output().out().println(Demo.guide());
                    ctx.output().out().flush();
                } else {
                    ctx.output().note("created the demo lab in " + dir);
                }
            }
            return true;
        } catch (LabException e) {
            ctx.output().error(e.message(CallOptions::of));
            return false;
        }
    }

    /** Whether stdin is a terminal (the REPL) rather than a pipe or file (batch). */
    static boolean stdinIsTerminal() {
        return isTerminal(0);
    }

    /** Whether stdout is a terminal: the REPL draws progress lines only there (not into a file it is sent to). */
    static boolean stdoutIsTerminal() {
        return isTerminal(1);
    }

    private static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    private static int columns() {
        try {
            String c = System.getenv("COLUMNS");
            return c == null ? 100 : Integer.parseInt(c.trim());
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
