package dev.hyperlab.shell.commands.plugin;

import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.plugin.PluginSystem;
import dev.hyperlab.shell.plugin.Plugins;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code --dry-run} of the plugin commands that change things: the command runs, checks and all, on a throw-away copy
 * of the plugin directory (its plugins loaded and started afresh, as the next session would), so it says exactly what
 * would happen, refusals included; the real directory and the session's plugins are untouched, and the copy is
 * deleted afterwards.
 */
final class PluginDryRun {
    private PluginDryRun() {}

    /** {@code op} on a copy of the session's plugins; what it returned. */
    static <T> T run(ShellContext ctx, Function<PluginSystem, T> op) {
        Path copy;
        try {
            copy = Files.createTempDirectory("hyperlab-plugin-dry-run");
        } catch (IOException e) {
            throw new ShellException("cannot make a directory for the dry run: " + e.getMessage(),
                    "check the space in " + System.getProperty("java.io.tmpdir"));
        }
        Plugins session = ctx.plugins();
        try {
            copyTree(session.installDir(), copy);
            List<Path> others = session.roots().subList(1, session.roots().size());
            Plugins plugins = Plugins.of(copy, others, Plugins.limitFromEnvironment());
            try {
                return plugins.use(op);
            } finally {
                // the copy's plugin threads end with it
                plugins.use(PluginSystem::list).forEach(p -> plugins.extensions().guard().release(p.id()));
            }
        } finally {
            deleteTree(copy);
        }
    }

    private static void copyTree(Path from, Path to) {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            return; // nothing installed yet
        }
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    continue; // the plugin directory holds files and folders only; a link is not followed
                }
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new ShellException("cannot copy " + from + " for the dry run: " + e.getMessage(),
                    "check its permissions");
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the dry run's copy " + dir, e);
        }
    }
}
