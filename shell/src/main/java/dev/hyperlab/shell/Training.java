package dev.hyperlab.shell;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.shell.batch.Batch;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Output;
import dev.hyperlab.shell.render.Style;
import dev.hyperlab.shell.repl.Repl;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The training run of the AOT cache (shell/target/hyperlab.aot, built by {@code package}): what a session does in its
 * first second (open a lab, parse, run and print the common commands, batch and REPL), so the JVM finds those classes
 * loaded and linked at start-up. With {@code --scripts} it also runs JavaScript and a Java snippet, for the cache the
 * launcher gives scripts. Not for users; the launcher uses the caches when they exist.
 */
public final class Training {
    private Training() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("hyperlab-training");
        try {
            // the whole of a one-shot command's path as the launcher starts it (its lambdas, the natives' linking thread,
            // the plugin scan, the output): trained only piecewise, 98 of its classes were spun at every start
            Main.run(new String[] {"--lab", dir.resolve("first").toString(), "-c", "time"});
            Invocation.parse(new String[] {"--lab", dir.toString(), "-c", "lab info"});
            Main.stdinIsTerminal();
            Output quiet = new Output(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()),
                    Style.PLAIN, () -> 100, false);
            try (ShellContext ctx = new ShellContext(() -> open(dir), quiet,
                    BuiltInCommands.catalog(), false)) {
                Batch.run(ctx, """
                        lab info; lab info --json; time; time --json; profiles; help; host list; vm list
                        host create esx1 --cores 16 --ram 64GiB --firmware bios; host install esx1 --hypervisor type1
                        host power-on esx1 --wait; host list --json; host info esx1 --json; host info esx1
                        vm create web1 --host esx1 --vcpus 2 --memory 4GiB --os linux-server
                        vm create fc1 --host esx1 --vcpus 1 --memory 256MiB --os microvm
                        vm start web1 fc1 --dry-run; vm start web1 fc1 --wait; vm list; vm list --json
                        vm info web1; vm info web1 --json; timeline; timeline web1 --json; advance 1s; wait vm web1
                        timeline --html %s --svg %s
                        vm strat web1
                        """.formatted(dir.resolve("t.html"), dir.resolve("t.svg")));
                storage(ctx, dir);
            }
            int scripts = List.of(args).indexOf("--scripts");
            if (scripts >= 0) {
                scripts(dir, Path.of(args[scripts + 1]));
            }
            repl(dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // as Main ends a run that failed or left threads: Runtime.exit sets up its System.Logger (nine JDK classes),
        // which then come from the cache instead of the JDK's image
        System.exit(0);
    }

    /**
     * The lab through the entry point Main uses (the one that looks for a QEMU lab first), so that its classes load
     * from the cache too: trained through the simulation's own entry, every command loaded four classes from the jars.
     */
    private static Lab open(Path dir) {
        return Labs.open(dir.resolve("lab"), Labs.DEFAULT_SEED, Extensions.builtIn(), Optional.empty());
    }

    /**
     * The heavy commands: images converted both ways, snapshots, a backup of each strategy, a check, a restore. Their
     * classes (zstd's native binding, the digests, the pipeline's threads) then load from the cache, and the profiles
     * the run records let C2 compile their loops sooner (JEP 515).
     */
    private static void storage(ShellContext ctx, Path dir) {
        Path repo = dir.resolve("repo");
        int failed = Batch.run(ctx, """
                vm shutdown web1 --wait; disk create %1$s --format raw --size 64MiB --os linux-server
                disk convert %1$s %2$s; disk convert --format raw %2$s %3$s; disk info %2$s --json; disk check %2$s
                snapshot create web1 before; snapshot list web1; snapshot revert web1 before; snapshot delete web1 before
                backup init %4$s; backup run web1 --strategy full --repo %4$s; advance 1m
                backup run web1 --strategy incremental --repo %4$s; backup run web1 --strategy dedup --repo %4$s
                backup list --repo %4$s; backup list --json --repo %4$s; backup check --read-data --repo %4$s
                """.formatted(dir.resolve("a.raw"), dir.resolve("b.qcow2"), dir.resolve("c.raw"), repo));
        String last = ctx.lab().backups(repo.toString(), "").list().getLast().id();
        failed += Batch.run(ctx, "backup restore %s --to %s --repo %s; backup prune --keep-last 1 --repo %s".formatted(
                last, dir.resolve("restored.raw"), repo, repo));
        failed += files(ctx, dir, repo);
        if (failed != 0) { // a command that fails trains its error path only: say so rather than build a poorer cache
            throw new IllegalStateException("a storage command of the training run failed (run them in the shell)");
        }
    }

    /**
     * File backups of a small tree of this machine (2,000 files in 40 directories, links among them): a first backup,
     * an unchanged second one, a listing and a restore, so that the walk's classes (the C library calls, trees,
     * chunker) load from the cache and their profiles are there when a user's backup starts (issue 18).
     */
    private static int files(ShellContext ctx, Path dir, Path repo) {
        Path tree = dir.resolve("files");
        try {
            for (int d = 0; d < 40; d++) {
                Path sub = Files.createDirectories(tree.resolve("d" + d));
                for (int f = 0; f < 50; f++) {
                    // a few KiB each, some alike (deduplicated), some not
                    Files.writeString(sub.resolve("f" + f + ".txt"),
                            ("line " + (d * f % 7) + "\n").repeat(64 + f * 8));
                }
                Files.createSymbolicLink(sub.resolve("link"), Path.of("f0.txt"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int failed = Batch.run(ctx, "backup files %1$s --repo %2$s; backup files %1$s --repo %2$s"
                .formatted(tree, repo));
        // an encrypted repository too (a password of the training's own, through the facade: the environment's are
        // unset for the training): its key file, cipher, MAC and key-derivation classes then load from the cache
        String sealed = dir.resolve("sealed").toString();
        ctx.lab().initBackups(sealed, "training").backupFiles(List.of(tree.toString()), List.of());
        ctx.lab().backups(sealed, "training").backupFiles(List.of(tree.toString()), List.of());
        String last = ctx.lab().backups(repo.toString(), "").list().getLast().id();
        return failed + Batch.run(ctx, ("backup ls %1$s %2$s --recursive --repo %3$s;"
                + " backup diff latest %1$s --repo %3$s;"
                + " backup restore %1$s --to %4$s --repo %3$s").formatted(last, tree, repo, dir.resolve("restored")));
    }

    /**
     * For the scripting cache ({@code --scripts STORM.js}: shell/target/hyperlab-scripts.aot), the repository's
     * scripts/storm-scale.js run as {@code hyperlab run} runs it (50 hosts, 500 VMs: fork, hosts, VMs, a storm, info),
     * a JavaScript line and a Java snippet: GraalJS's ~3,800 classes and JShell's compiler then load from the cache,
     * and the storm leaves the interpreter's method profiles (a storm of 3 hosts gave the 10,000-host storm less). An
     * empty script took 1.7 s without them, 0.95 s with them. They are a cache of their own because the JVM loads every
     * class of its cache at start: in the shell's cache they made {@code lab info} 0.27 -> 0.40 s (docs/performance.md,
     * issue 15).
     */
    private static void scripts(Path dir, Path storm) {
        String lab = dir.resolve("scripted").toString();
        int status = Main.run(new String[] {"--lab", lab, "run", storm.toString(), "50", "10"})
                + Main.run(new String[] {"--lab", lab, "-c", "js lab.hosts().length"})
                + Main.run(new String[] {"--lab", lab, "-c", "java lab.vms().size()"});
        if (status != 0) {
            throw new IllegalStateException("the training's script or snippet failed (run them in the shell)");
        }
    }

    /** A terminal on a new pseudo-terminal through JLine's FFM provider (what the shell uses), else a plain one. */
    private static Terminal terminal(byte[] keys, ByteArrayOutputStream screen) throws IOException {
        try {
            return TerminalBuilder.builder().system(false).provider("ffm").streams(new ByteArrayInputStream(keys),
                    screen).type("xterm-256color").size(new Size(120, 40)).build();
        } catch (IOException | RuntimeException e) {
            return TerminalBuilder.builder().system(false).streams(new ByteArrayInputStream(keys), screen)
                    .type("xterm-256color").size(new Size(120, 40)).build();
        }
    }

    /** A REPL session on an in-memory terminal: prompt, Tab completion, highlighting, history, commands, Ctrl-D. */
    private static void repl(Path dir) throws IOException {
        byte[] keys = "vm st\tweb\t\nhost li\t --json\nvm info web1\ntime\n\u0004".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        System.setProperty(TerminalBuilder.PROP_GRAPHEME_CLUSTER, "false");
        try (Terminal terminal = terminal(keys, screen)) {
            Output output = new Output(terminal.writer(), new PrintWriter(Writer.nullWriter()), Style.ANSI,
                    terminal::getWidth, true);
            try (ShellContext ctx = new ShellContext(() -> open(dir), output,
                    BuiltInCommands.catalog(), false)) {
                ctx.lab();
                new Repl(ctx, terminal, "training", dir.resolve("history"), true).run();
            }
        } catch (UncheckedIOException e) {
            // a training run that cannot use a terminal still trains the rest
        }
    }
}
