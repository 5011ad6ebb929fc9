package dev.hyperlab.shell.plugin;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.spi.ApiVersion;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.GuestDriver;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.guard.ExtensionFault;
import dev.hyperlab.core.guard.ExtensionGuard;
import dev.hyperlab.shell.error.ShellException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;

/**
 * The session's plugins, loaded with PF4J ({@link HyperlabPluginManager}) the first time something needs them, and
 * their extensions registered in the lab's {@link Extensions}: what the {@code plugin} commands act on.
 *
 * <p>Everything a plugin runs goes through the {@link ExtensionGuard}: its start, the constructors of its
 * extensions, and then every call the engine makes; and its classes are rewritten as they load, so that its code can
 * be stopped and cannot end the process ({@link HyperlabPluginClassLoader}). A plugin that fails there is faulty; a
 * plugin that needs another api version, whose descriptor is malformed, whose ids are taken or whose extension
 * classes are unusable is refused. Neither stops the others.
 */
public final class PluginSystem {
    private final HyperlabPluginManager manager;
    private final Extensions extensions;
    private final ExtensionGuard guard;
    private final Path installDir;
    private final FaultyPlugins faulty;
    /**
     * Faults of earlier sessions not yet on record in the guard: recorded once the plugins' extensions are
     * registered, so that a call to one is refused as faulty (the plugin stays faulty until plugin enable).
     */
    private final Map<String, String> earlier = new TreeMap<>();
    /** Started plugins whose extensions could not be registered (an id taken, a class unusable), and why. */
    private final Map<String, String> unregistered = new TreeMap<>();
    /** Plugins whose extensions are in {@link #extensions}. */
    private final Set<String> registered = new LinkedHashSet<>();

    /** Loads and starts the plugins in {@code roots}; {@code installDir} (the first root) is where installs go. */
    PluginSystem(List<Path> roots, Path installDir, Extensions extensions) {
        this.extensions = extensions;
        this.guard = extensions.guard();
        this.installDir = installDir;
        try {
            this.manager = new HyperlabPluginManager(roots, installDir.resolveSibling("plugin-cache"),
                    ApiVersion.current());
            manager.loadPlugins();
        } catch (PluginRuntimeException | java.io.UncheckedIOException e) {
            throw new ShellException(firstLine(e), "check that the plugin directories are readable");
        }
        this.faulty = new FaultyPlugins(installDir);
        earlier.putAll(faulty.faults());
        guard.onFault(faulty::add);
        for (PluginWrapper w : sorted(manager.getResolvedPlugins())) {
            if (!w.getPluginState().isDisabled()) {
                start(w.getPluginId());
            }
        }
    }

    /** Adds the extensions of every started plugin not yet registered (the lab's plugin loader). */
    void registerStarted(Extensions into) {
        for (PluginWrapper w : sorted(manager.getStartedPlugins())) {
            register(w.getPluginId(), into);
        }
        earlier.forEach(guard::recordEarlier);
        earlier.clear();
    }

    /** The plugin's fault: of this session, or of an earlier one not yet on record in the guard. */
    private Optional<String> fault(String id) {
        return guard.faultOf(id).or(() -> Optional.ofNullable(earlier.get(id)));
    }

    private void start(String id) {
        try {
            guard.call(id, "plugin '" + id + "' start", () -> manager.startPlugin(id));
        } catch (ExtensionFault fault) {
            // on record in the guard: the plugin shows as faulty
        }
    }

    private void register(String id, Extensions into) {
        if (registered.contains(id) || unregistered.containsKey(id) || guard.faultOf(id).isPresent()) {
            return;
        }
        try {
            Map<Class<?>, List<Class<?>>> classes = ExtensionClasses.of(manager.classLoaderOf(id));
            into.addAll(id, create(id, FirmwareModel.class, classes), create(id, GuestDriver.class, classes),
                    create(id, BackupStrategy.class, classes));
            registered.add(id);
        } catch (ExtensionFault fault) {
            // on record in the guard
        } catch (LabException e) {
            unregistered.put(id, "plugin '" + id + "' was refused: " + e.getMessage());
        } catch (PluginRuntimeException e) {
            unregistered.put(id, firstLine(e));
        }
    }

    /**
     * One instance of each extension class of {@code type} the plugin lists (in its index or its service files: a
     * class both list is made once), in class-name order so registration never depends on file order.
     */
    private <T> List<T> create(String id, Class<T> type, Map<Class<?>, List<Class<?>>> classes) {
        List<T> out = new ArrayList<>();
        for (Class<?> c : classes.get(type)) {
            out.add(type.cast(guard.call(id, "creating " + c.getName(), () -> c.getDeclaredConstructor()
                    .newInstance())));
        }
        return out;
    }

    // ---- what plugin list and plugin info show --------------------------------------------------------------------

    /** Every installed plugin, by id; then files that are not readable plugins. */
    public List<PluginView> list() {
        List<PluginView> out = new ArrayList<>();
        for (PluginWrapper w : sorted(manager.getPlugins())) {
            out.add(view(w));
        }
        manager.unreadable.forEach((path, why) -> out.add(new PluginView(path.getFileName().toString(), "",
                PluginState.REFUSED, "", "", "", path.toString(), why, 0, List.of())));
        return out;
    }

    /** One installed plugin. */
    public PluginView info(String id) {
        return view(require(id));
    }

    private PluginView view(PluginWrapper w) {
        String id = w.getPluginId();
        PluginDescriptor d = w.getDescriptor();
        PluginState state;
        String reason = "";
        if (manager.refusals.containsKey(id)) {
            state = PluginState.REFUSED;
            reason = manager.refusals.get(id);
        } else if (unregistered.containsKey(id)) {
            state = PluginState.REFUSED;
            reason = unregistered.get(id);
        } else if (w.getPluginState().isDisabled()) {
            state = PluginState.DISABLED; // the user's word: also for a plugin that was faulty when it was disabled
        } else if (fault(id).isPresent()) {
            state = PluginState.FAULTY;
            reason = fault(id).get();
        } else if (w.getPluginState().isFailed()) {
            state = PluginState.FAULTY;
            reason = "plugin '" + id + "' failed to start: " + Optional.ofNullable(w.getFailedException())
                    .map(Throwable::toString).orElse("no reason given");
        } else if (w.getPluginState().isStarted()) {
            state = PluginState.STARTED;
        } else {
            state = PluginState.DISABLED;
        }
        int quarantined = guard.quarantined(id);
        if (quarantined > 0) {
            reason = (reason.isEmpty() ? "" : reason + "; ") + quarantined + (quarantined == 1 ? " thread" : " threads")
                    + " of it quarantined: still running after it was stopped, blocked outside its code, never"
                    + " called again";
        }
        List<ExtensionRef> refs = new ArrayList<>();
        if (registered.contains(id)) {
            for (Extensions.Contribution c : extensions.contributionsOf(id)) {
                refs.add(new ExtensionRef(c.kind(), c.id(), c.description()));
            }
        }
        return new PluginView(id, d.getVersion(), state, nullToEmpty(d.getPluginDescription()),
                nullToEmpty(d.getProvider()), nullToEmpty(d.getRequires()), w.getPluginPath().toString(), reason,
                quarantined, refs);
    }

    // ---- install, enable, disable ---------------------------------------------------------------------------------

    /**
     * Copies a plugin file (zip or jar) into the install directory, loads and starts it, registers its extensions.
     * Checked first (within bounds, its descriptor, its api requirement, its id), undone on any failure: a refused
     * install leaves nothing behind.
     */
    public PluginView install(Path file) {
        PluginDescriptor d = vet(file);
        vetPlace(file, d);
        String id = d.getPluginId();
        String name = file.getFileName().toString();
        Path target = installDir.resolve(name);
        Path expanded = installDir.resolve(name.substring(0, name.length() - 4));
        copy(file, target);
        try {
            manager.load(target);
            if (manager.refusals.containsKey(id)) {
                throw new ShellException(manager.refusals.get(id), "install a release built for this api");
            }
            start(id);
            register(id, extensions);
            PluginView v = info(id);
            if (v.state() != PluginState.STARTED) {
                throw new ShellException(v.reason(), "the plugin was not installed");
            }
            if (v.extensions().isEmpty()) {
                throw new ShellException("plugin '" + id + "' contributes no firmware model, guest driver or backup"
                        + " strategy", "list its classes in META-INF/services or PF4J's extensions.idx: docs/plugins.md;"
                        + " the plugin was not installed");
            }
            return v;
        } catch (RuntimeException e) {
            undoInstall(id, target, expanded);
            if (e instanceof ShellException) {
                throw e;
            }
            throw new ShellException("cannot install " + file + ": " + firstLine(e), "the plugin was not installed");
        }
    }

    /** What {@code plugin install} checks of a plugin file before it copies anything: the file and its descriptor. */
    private PluginDescriptor vet(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            throw new ShellException("no plugin file " + file, "give the path of a PF4J plugin .zip or .jar");
        }
        if (!PluginDirectories.isArchive(name)) {
            throw new ShellException(file + " is not a .zip or .jar", "a PF4J plugin is a zip (plugin.properties and"
                    + " lib/*.jar) or a jar with Plugin-Id in its manifest");
        }
        try {
            PluginArchive.check(file);
        } catch (PluginRuntimeException e) {
            throw new ShellException("cannot install " + file + ": " + firstLine(e), "a plugin file must be a zip or"
                    + " jar within the limits docs/plugins.md gives; nothing was installed");
        }
        PluginDescriptor d;
        try {
            d = manager.descriptorOf(file);
        } catch (PluginRuntimeException e) {
            throw new ShellException("cannot read the plugin descriptor of " + file + ": " + firstLine(e),
                    "a zip needs plugin.properties at its root, a jar Plugin-Id in its manifest");
        }
        Optional<String> malformed = DescriptorRules.malformed(d);
        if (malformed.isPresent()) {
            throw new ShellException(file + ": " + malformed.get(), "fix the plugin's descriptor (plugin.properties,"
                    + " or the manifest of a jar)");
        }
        Optional<String> refusal = DescriptorRules.problem(d, ApiVersion.current());
        if (refusal.isPresent()) {
            throw new ShellException(refusal.get(), "install a release of the plugin built for this api");
        }
        return d;
    }

    /** What {@code plugin install} checks of the install directory: the id is free, the file's name too. */
    private void vetPlace(Path file, PluginDescriptor d) {
        String name = file.getFileName().toString();
        String id = d.getPluginId();
        PluginWrapper existing = manager.getPlugin(id);
        if (existing != null) {
            throw new ShellException("plugin '" + id + "' is installed already (version "
                    + existing.getDescriptor().getVersion() + ", " + existing.getPluginPath() + ")",
                    "plugin install --upgrade " + file + " replaces it");
        }
        Path target = installDir.resolve(name);
        Path expanded = installDir.resolve(name.substring(0, name.length() - 4));
        if (Files.exists(target) || (name.endsWith(".zip") && Files.exists(expanded))) {
            throw new ShellException(target + " exists already", "rename the plugin file");
        }
    }

    private void undoInstall(String id, Path target, Path expanded) {
        extensions.removeSource(id);
        registered.remove(id);
        unregistered.remove(id);
        guard.clear(id);
        try {
            manager.forget(id);
        } catch (RuntimeException e) {
            // it was never loaded: nothing to forget
        }
        try {
            PluginFiles.deleteTree(expanded);
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new ShellException("the plugin was not installed, but " + target + " could not be removed: "
                    + e.getMessage(), "remove it by hand");
        }
    }

    /**
     * Removes an installed plugin, by id whatever its file is named: its code is stopped (a faulty plugin is not called
     * again), its extensions leave the catalogue, and its file, the directory its zip was unpacked into and its
     * {@code disabled.txt} entry are deleted. Labs using its extensions still load; their machines cannot start. A
     * plugin loaded from a {@code --plugins} directory is not installed: refused, nothing changed.
     *
     * @return the plugin as it was before it was removed
     */
    public PluginView uninstall(String id) {
        PluginView was = info(id);
        Path file = installedFile(id);
        unload(id);
        try {
            deleteInstalled(file);
        } catch (IOException e) {
            throw new ShellException("plugin '" + id + "' is stopped, but " + file + " could not be deleted: "
                    + e.getMessage(), "delete it by hand");
        }
        manager.forgetDisabled(id);
        return was;
    }

    /**
     * Replaces the installed plugin with the id of {@code file}'s descriptor by {@code file}, whatever either file is
     * named. The new file is checked as {@code plugin install} checks it before anything changes; if it then fails to
     * load, start or contribute, the old one is put back as it was, started. An upgraded plugin starts enabled.
     *
     * @return the plugin as it was before and as it is now
     */
    public Upgrade upgrade(Path file) {
        PluginDescriptor d = vet(file);
        String id = d.getPluginId();
        if (manager.getPlugin(id) == null) {
            throw new ShellException("plugin '" + id + "' is not installed, so there is nothing to upgrade",
                    "plugin install " + file + " installs it");
        }
        PluginView was = info(id);
        Path oldFile = installedFile(id);
        Path name = file.getFileName();
        if (!name.equals(oldFile.getFileName()) && Files.exists(installDir.resolve(name))) {
            throw new ShellException(installDir.resolve(name) + " exists already", "rename the plugin file");
        }
        // a hidden name beside it (the plugin listing skips it): put back if the new one fails
        Path kept = oldFile.resolveSibling("." + oldFile.getFileName() + ".upgrading");
        unload(id);
        try {
            Files.move(oldFile, kept, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            deleteInstalled(oldFile);
        } catch (IOException e) {
            throw new ShellException("cannot set " + oldFile + " aside for the upgrade: " + e.getMessage(),
                    "check that " + installDir + " is writable; plugin list shows what is loaded");
        }
        manager.forgetDisabled(id);
        try {
            PluginView now = install(file);
            Files.deleteIfExists(kept);
            return new Upgrade(was, now);
        } catch (RuntimeException | IOException e) {
            try {
                Files.move(kept, oldFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException notBack) {
                throw new ShellException("the upgrade failed and " + oldFile + " could not be put back from " + kept
                        + ": " + notBack.getMessage(), "move it back by hand");
            }
            manager.load(oldFile);
            start(id);
            register(id, extensions);
            String why = e instanceof ShellException s ? s.getMessage() : firstLine(e);
            throw new ShellException(why, "version " + was.version() + " of " + id + " is installed still");
        }
    }

    /** What {@link #upgrade} replaced and with what. */
    public record Upgrade(PluginView was, PluginView now) {}

    /** The file in the install directory that {@code id} was loaded from; refused for another place. */
    private Path installedFile(String id) {
        require(id);
        Path file = manager.fileOf(id).orElseThrow(() -> new ShellException("plugin '" + id + "' is not loaded from"
                + " a file", "plugin info " + id + " shows where it comes from"));
        if (!installDir.equals(file.getParent())) {
            throw new ShellException("plugin '" + id + "' comes from " + file.getParent() + ", not from the installed"
                    + " plugins (" + installDir + ")", "leave out the --plugins directory that holds it");
        }
        return file;
    }

    /** Stops a plugin and unloads it (stopped first, its unloading runs none of its code); its files stay. */
    private void unload(String id) {
        stop(id);
        unregistered.remove(id);
        manager.forget(id);
        guard.clear(id);
        earlier.remove(id);
        faulty.remove(id); // a new release, or none: the old one's fault is not its
    }

    /**
     * Stops a plugin: a healthy one is asked to stop, a faulty one is not called again; either way its extensions
     * leave the catalogue and it is marked off in this session.
     */
    private void stop(String id) {
        PluginWrapper w = require(id);
        if (w.getPluginState().isStarted() && guard.faultOf(id).isEmpty()) {
            try {
                guard.call(id, "plugin '" + id + "' stop", () -> manager.stopPlugin(id));
            } catch (ExtensionFault fault) {
                // its stop failed: it is faulty, and off all the same
            }
        }
        extensions.removeSource(id);
        registered.remove(id);
        manager.markDisabled(id);
    }

    /** Deletes an installed plugin's file and, for a zip, the directory it was unpacked into beside it. */
    private static void deleteInstalled(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".zip")) {
            PluginFiles.deleteTree(file.resolveSibling(name.substring(0, name.length() - ".zip".length())));
        }
        Files.deleteIfExists(file);
    }

    /**
     * Turns a plugin on (again), for this session and the next: a disabled one starts, a faulty one gets another
     * chance, with new instances of its extensions on a new thread.
     */
    public PluginView enable(String id) {
        PluginWrapper w = require(id);
        if (manager.refusals.containsKey(id)) {
            throw new ShellException(manager.refusals.get(id), "install a release of the plugin built for this api");
        }
        extensions.removeSource(id); // its old thread, and the threads it started there, are stopped
        registered.remove(id);
        unregistered.remove(id); // the plugin that held its ids may be gone: try again
        guard.clear(id);
        earlier.remove(id);
        faulty.remove(id);
        try {
            if (w.getPluginState().isDisabled() && !manager.enablePlugin(id)) {
                throw new ShellException("plugin '" + id + "' cannot be enabled", "plugin info " + id + " says why");
            }
        } catch (PluginRuntimeException e) {
            throw new ShellException("cannot enable plugin '" + id + "': " + firstLine(e),
                    "check that " + installDir + " is writable");
        }
        if (!w.getPluginState().isStarted()) {
            start(id);
        }
        register(id, extensions);
        return info(id);
    }

    /**
     * Turns a plugin off, for this session and the next: its extensions leave the lab's catalogue and its code is
     * stopped. A healthy plugin is asked to stop first; a faulty one is not called again, and is turned off all the
     * same.
     */
    public PluginView disable(String id) {
        require(id);
        try {
            manager.rememberDisabled(id);
        } catch (PluginRuntimeException e) {
            throw new ShellException("cannot disable plugin '" + id + "': " + firstLine(e),
                    "check that " + installDir + " is writable");
        }
        stop(id);
        return info(id);
    }

    private PluginWrapper require(String id) {
        PluginWrapper w = manager.getPlugin(id);
        if (w == null) {
            throw new ShellException("no plugin '" + id + "'", "plugin list shows the installed plugins");
        }
        return w;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static List<PluginWrapper> sorted(List<PluginWrapper> plugins) {
        List<PluginWrapper> out = new ArrayList<>(plugins);
        out.sort(Comparator.comparing(PluginWrapper::getPluginId));
        return out;
    }

    /** Copies {@code file} to {@code target} safely: a temporary file, synced, then renamed. */
    private static void copy(Path file, Path target) {
        try {
            PluginFiles.copy(file, target);
        } catch (IOException e) {
            throw new ShellException("cannot copy " + file + " to " + target + ": " + e.getMessage(),
                    "check the plugin directory is writable");
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
