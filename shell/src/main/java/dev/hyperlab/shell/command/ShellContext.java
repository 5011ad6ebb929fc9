package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.shell.ShellHome;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.completion.NameProviders;
import dev.hyperlab.shell.plugin.PluginView;
import dev.hyperlab.shell.plugin.Plugins;
import dev.hyperlab.shell.render.Output;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What a command works with: the lab (opened on first use, so {@code help} and {@code --version} never touch it),
 * where to write, the command registry, the providers of live names for completion, and cancellation.
 *
 * <p>Cancellation (Ctrl-C): the REPL calls {@link #requestCancel()} from its signal handler; the request is turned
 * into an interrupt of the command's thread from inside the lab's progress callback, i.e. at a point where the
 * simulation can stop consistently (see {@link ProgressListener}).
 */
public final class ShellContext implements AutoCloseable {
    private final Supplier<? extends Lab> opener;
    private final Output output;
    private final CommandCatalog catalog;
    private final Commands commands;
    private final NameProviders names;
    private final boolean debug;
    private final Plugins plugins;
    private final AtomicBoolean cancel = new AtomicBoolean();
    private volatile ProgressView progressView = ProgressView.NONE;
    private volatile Lab lab;
    private boolean exitRequested;

    public ShellContext(Supplier<? extends Lab> opener, Output output, CommandCatalog catalog, boolean debug) {
        this(opener, output, catalog, debug, Plugins.fromEnvironment(ShellHome.dir(), List.of()));
    }

    /**
     * A session whose {@code plugin} commands manage {@code plugins}; labs the opener opens should use
     * {@link Plugins#extensions()}, so the plugins' extensions reach them.
     */
    public ShellContext(Supplier<? extends Lab> opener, Output output, CommandCatalog catalog, boolean debug,
            Plugins plugins) {
        this.plugins = plugins;
        this.opener = opener;
        this.output = output;
        this.catalog = catalog;
        this.debug = debug;
        this.names = NameProviders.builtIn();
        this.commands = new Commands(this);
        names.register(LiveNames.Plugins.KIND, (lab, words) -> plugins.use(
                s -> s.list().stream().map(PluginView::id).toList()));
        names.register(dev.hyperlab.shell.completion.LiveNames.CommandNames.KIND, (lab, words) -> {
            // help GROUP VERB: the groups, then the verbs of the group named
            java.util.List<String> after = words.subList(Math.min(words.size(), 1), words.size());
            if (after.isEmpty()) {
                return catalog.names();
            }
            return commands.line(after.getFirst()).map(l -> java.util.List.copyOf(l.getSubcommands().keySet()))
                    .orElse(java.util.List.of());
        });
    }

    /** The lab, opened on first use. */
    public Lab lab() {
        Lab l = lab;
        if (l == null) {
            synchronized (this) {
                if (lab == null) {
                    Lab opened = opener.get();
                    opened.onProgress(progress());
                    lab = opened;
                }
                l = lab;
            }
        }
        return l;
    }

    /** The lab if it is open already (completion and the prompt never open it themselves). */
    public java.util.Optional<Lab> openLab() {
        return java.util.Optional.ofNullable(lab);
    }

    public Output output() {
        return output;
    }

    /** The session's plugins (PF4J loads on their first use). */
    public Plugins plugins() {
        return plugins;
    }

    public CommandCatalog catalog() {
        return catalog;
    }

    public Commands commands() {
        return commands;
    }

    public NameProviders names() {
        return names;
    }

    public boolean debug() {
        return debug;
    }

    /** The listener to give a lab (or a dry run's copy): it draws progress and delivers cancel requests. */
    public ProgressListener progress() {
        return this::onProgress;
    }

    private void onProgress(Duration now, Duration target, int booting) {
        progressView.progress(now, target, booting);
        if (cancel.getAndSet(false)) {
            Thread.currentThread().interrupt(); // the simulation answers with CANCELLED right after this call
        }
    }

    /** Where progress is drawn: the REPL's progress bar on a terminal, nothing otherwise. */
    public void progressView(ProgressView view) {
        this.progressView = view == null ? ProgressView.NONE : view;
    }

    /** Takes the progress bar off the screen: before a command prints its result or an error. */
    public void endProgress() {
        progressView.clear();
    }

    /** Asks the running command to stop at its next safe point (Ctrl-C). */
    public void requestCancel() {
        cancel.set(true);
    }

    /** Forgets a cancel request nobody took (the command ended first). */
    public void clearCancel() {
        cancel.set(false);
    }

    /** Set by {@code exit}: the REPL or script stops after this command. */
    public void requestExit() {
        exitRequested = true;
    }

    public boolean exitRequested() {
        return exitRequested;
    }

    @Override
    public void close() {
        Lab l = lab;
        if (l != null) {
            l.close();
        }
    }
}
