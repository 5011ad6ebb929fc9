package dev.hyperlab.shell.plugin;

import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.guard.ExtensionGuard;
import dev.hyperlab.shell.error.ShellException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A session's plugins, without PF4J until they are needed: the {@link Extensions} the session's labs are opened with
 * (built-ins at once; plugins' added by a loader that runs the first time a lab asks for an id it does not know, or
 * a listing), and the {@link PluginSystem} that the {@code plugin} commands use, made on first use. A session that
 * never uses a plugin never loads a PF4J class: start-up stays as it was.
 *
 * <pre>{@code
 * Plugins plugins = Plugins.of(ShellHome.dir().resolve("plugins"), List.of(), ExtensionGuard.DEFAULT_LIMIT);
 * Lab lab = Labs.open(dir, seed, plugins.extensions());
 * plugins.use(PluginSystem::list);
 * }</pre>
 */
public final class Plugins {
    /** Overrides the time limit of one plugin call, e.g. {@code 500ms} or {@code 5s}. */
    public static final String TIMEOUT_VARIABLE = "HYPERLAB_PLUGIN_TIMEOUT";

    private final Path installDir;
    private final List<Path> roots;
    private final Extensions extensions;
    private PluginSystem system;

    private Plugins(Path installDir, List<Path> more, Duration limit) {
        this.installDir = installDir;
        List<Path> r = new ArrayList<>();
        r.add(installDir); // first: PF4J keeps disabled.txt in the first directory
        for (Path p : more) {
            if (!r.contains(p)) {
                r.add(p);
            }
        }
        this.roots = List.copyOf(r);
        this.extensions = Extensions.builtIn(new ExtensionGuard(limit));
        extensions.loadPluginsWith(e -> system().registerStarted(e));
    }

    /** Plugins installed in {@code installDir} and found in {@code more}, each call limited to {@code limit}. */
    public static Plugins of(Path installDir, List<Path> more, Duration limit) {
        return new Plugins(installDir, more, limit);
    }

    /**
     * Plugins of the shell's home ({@code $HYPERLAB_HOME/plugins}, else {@code ~/.hyperlab/plugins}) and of
     * {@code more}, the limit from {@value #TIMEOUT_VARIABLE} if set.
     */
    public static Plugins fromEnvironment(Path home, List<Path> more) {
        return of(home.resolve("plugins"), more, limitFromEnvironment());
    }

    /** The time limit of one plugin call: {@value #TIMEOUT_VARIABLE} if set, else the guard's default. */
    public static Duration limitFromEnvironment() {
        String v = System.getenv(TIMEOUT_VARIABLE);
        if (v == null || v.isBlank()) {
            return ExtensionGuard.DEFAULT_LIMIT;
        }
        try {
            Duration d = Durations.parse(v.trim());
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("not positive");
            }
            return d;
        } catch (RuntimeException e) {
            throw new ShellException(TIMEOUT_VARIABLE + "='" + v + "' is not a duration", "e.g. 500ms or 5s");
        }
    }

    /** The extensions to open labs with. */
    public Extensions extensions() {
        return extensions;
    }

    /** Where {@code plugin install} puts plugins. */
    public Path installDir() {
        return installDir;
    }

    /** Every directory plugins are loaded from. */
    public List<Path> roots() {
        return roots;
    }

    /** Whether PF4J has been loaded in this session. */
    public boolean loaded() {
        synchronized (extensions) {
            return system != null;
        }
    }

    /**
     * Runs {@code op} on the plugin system, loading it first if needed. Serialised with the lab's lookups (one lock,
     * the extensions', so a lab's lazy load and a command can never wait on each other).
     */
    public <T> T use(Function<PluginSystem, T> op) {
        synchronized (extensions) {
            return op.apply(system());
        }
    }

    private PluginSystem system() {
        synchronized (extensions) {
            if (system == null) {
                system = new PluginSystem(roots, installDir, extensions);
                extensions.loadPlugins(); // registers what started (a no-op when the lab's loader got here first)
            }
            return system;
        }
    }
}
