package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.RunProgress;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.completion.NameProviders;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.plugin.PluginView;
import dev.hyperlab.shell.plugin.Plugins;
import dev.hyperlab.shell.render.Output;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private volatile boolean showProgress = true;
    private volatile Lab lab;
    private volatile java.nio.file.Path labDirectory;
    private boolean exitRequested;
    private boolean unattended;
    private volatile java.util.function.UnaryOperator<String> passwordReader;
    private int status;
    /** Whether a command of this run did its work but left something out (a backup that skipped unreadable files). */
    private boolean incomplete;
    private final Map<Class<?>, Object> services = new LinkedHashMap<>();
    private final CopyOnWriteArrayList<Runnable> cancelHooks = new CopyOnWriteArrayList<>();

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
        catalog.groups().forEach(g -> g.names().forEach(names::register));
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

    /** The directory of the session's lab (set at start), whether or not it is open yet; empty when not known. */
    public java.util.Optional<java.nio.file.Path> labDirectory() {
        return java.util.Optional.ofNullable(labDirectory);
    }

    /** Where the session's lab lives ({@code --lab}): {@code lab list} marks it without opening it. */
    public void labDirectory(java.nio.file.Path dir) {
        this.labDirectory = dir;
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
        return new ProgressListener() {
            @Override
            public void progress(Duration now, Duration target, int machinesBooting) {
                // the engine calls the other method; this one is only the interface's minimum
            }

            @Override
            public void progress(RunProgress progress) {
                onProgress(progress);
            }
        };
    }

    private void onProgress(RunProgress progress) {
        if (showProgress) {
            progressView.progress(progress);
        }
        if (cancel.getAndSet(false)) {
            Thread.currentThread().interrupt(); // the simulation answers with CANCELLED right after this call
        }
    }

    /** Where progress is drawn: the REPL's progress line on a terminal, nothing otherwise. */
    public void progressView(ProgressView view) {
        this.progressView = view == null ? ProgressView.NONE : view;
    }

    /**
     * Whether the running command shows progress: not one whose output is JSON (it must print nothing else). Set by
     * the dispatcher for each command.
     */
    public void showProgress(boolean show) {
        this.showProgress = show;
    }

    /** Takes the progress bar off the screen: before a command prints its result or an error. */
    public void endProgress() {
        progressView.clear();
    }

    /** Asks the running command to stop at its next safe point (Ctrl-C). */
    public void requestCancel() {
        cancel.set(true);
        cancelHooks.forEach(Runnable::run);
    }

    /**
     * Runs {@code hook} on a cancel request until the returned handle is closed: for work the lab's progress callback
     * never reaches (a script looping in JavaScript, a Java snippet). Called on the thread that asks to cancel (the
     * REPL's signal handler), so it must only signal, never wait long.
     */
    public AutoCloseable onCancel(Runnable hook) {
        cancelHooks.add(hook);
        return () -> cancelHooks.remove(hook);
    }

    /**
     * A per-session service, created on first use: the JavaScript and JShell engines live here, so they load only
     * when a command needs them (start-up never pays for them). {@link #close()} closes those that are
     * {@link AutoCloseable}, in reverse order of creation.
     */
    public synchronized <T> T service(Class<T> type, Supplier<? extends T> create) {
        Object s = services.get(type);
        if (s == null) {
            s = create.get();
            services.put(type, s);
        }
        return type.cast(s);
    }

    /** The service of that type if a command created it already ({@code lab info} reports without loading one). */
    public synchronized <T> Optional<T> existingService(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
    }

    /** The exit status the last command ended with: 0, 1 after an error, or what a script passed to exit(). */
    public int status() {
        return status;
    }

    /** Set by the dispatcher after each command ({@code hyperlab run} exits with it). */
    public void status(int value) {
        status = value;
    }

    /**
     * Marks this run incomplete: a command did its work but left something out, and said what on stdout. The run goes
     * on; a batch run then ends with {@link #INCOMPLETE} rather than 0, as restic ends with 3 when a backup could not
     * read some files.
     */
    public void markIncomplete() {
        incomplete = true;
    }

    /** Exit status of a batch run that succeeded but left something out (see {@link #markIncomplete}). */
    public static final int INCOMPLETE = 3;

    /** The exit status of a batch run whose commands all succeeded: 0, or {@link #INCOMPLETE}. */
    public int successStatus() {
        return incomplete ? INCOMPLETE : 0;
    }

    /** Forgets a cancel request nobody took (the command ended first). */
    public void clearCancel() {
        cancel.set(false);
    }

    /**
     * Where passwords come from when {@code $HYPERLAB_PASSWORD} is not set: the REPL's line reader, which echoes
     * nothing; null for the process's console (batch mode).
     */
    public void passwordReader(java.util.function.UnaryOperator<String> reader) {
        this.passwordReader = reader;
    }

    /**
     * A password for {@code prompt}: {@code $HYPERLAB_PASSWORD} if set, else asked without echo (the REPL's reader, or
     * the console in batch mode). Refuses when there is nobody to ask.
     */
    public String password(String prompt) {
        return password(prompt, "HYPERLAB_PASSWORD");
    }

    /**
     * A password for {@code prompt}: the environment variable {@code variable} if set (as restic reads
     * {@code RESTIC_FROM_PASSWORD} for the source of a copy), else asked without echo.
     */
    public String password(String prompt, String variable) {
        String env = System.getenv(variable);
        if (env != null && !env.isEmpty()) {
            return env;
        }
        java.util.function.UnaryOperator<String> reader = passwordReader;
        String typed = null;
        if (reader != null) {
            typed = reader.apply(prompt);
        } else if (System.console() != null) {
            char[] p = System.console().readPassword("%s", prompt);
            typed = p == null ? null : new String(p);
        } else {
            throw new ShellException("a password is needed and there is no terminal to ask for it",
                    "set " + variable);
        }
        if (typed == null || typed.isEmpty()) {
            throw new ShellException("no password given", "type one, or set " + variable);
        }
        return typed;
    }

    /**
     * Marks the session as run without a person at the prompt (a command file, piped stdin, {@code -c}): commands whose
     * work virsh would wait for (snapshot create and revert, suspend) then wait by default.
     */
    public void unattended(boolean value) {
        unattended = value;
    }

    /** Whether nobody is at the prompt (batch mode). */
    public boolean unattended() {
        return unattended;
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
        List<Object> open;
        synchronized (this) {
            open = new ArrayList<>(services.values());
            services.clear();
        }
        Collections.reverse(open);
        for (Object s : open) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing the session: a service that fails to close has nothing left to lose
                }
            }
        }
        Lab l = lab;
        if (l != null) {
            l.close();
        }
    }
}
