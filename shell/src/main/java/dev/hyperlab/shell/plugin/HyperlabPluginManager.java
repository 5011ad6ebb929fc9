package dev.hyperlab.shell.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginStatusProvider;
import org.pf4j.PluginWrapper;

/**
 * PF4J as hyperlab configures it: plugins from several directories ({@link PluginDirectories}; the user's first, whose
 * {@code disabled.txt} keeps what {@code plugin disable} turned off: {@link DisabledPlugins}), zip (unpacked next to
 * it within {@link PluginArchive}'s bounds) or jar (checked within the same bounds); classes defined rewritten and
 * the api shared with the shell ({@link HyperlabPluginClassLoader}); descriptors checked with
 * {@link DescriptorRules}, a refusal kept with its reason; a plugin that cannot be read at all kept with its reason
 * instead of only being logged.
 */
final class HyperlabPluginManager extends DefaultPluginManager {
    private final String apiVersion;
    /** Why a loaded plugin was refused, by plugin id. */
    final Map<String, String> refusals = new TreeMap<>();
    /** Plugin files that could not be read as plugins, and why, by path. */
    final Map<Path, String> unreadable = new TreeMap<>();

    HyperlabPluginManager(List<Path> roots, String apiVersion) {
        super(roots);
        this.apiVersion = apiVersion;
        setSystemVersion(apiVersion);
        // a plugin whose dependency is missing is left out, not a reason to load none
        setResolveRecoveryStrategy(ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE);
    }

    @Override
    protected PluginRepository createPluginRepository() {
        return new PluginDirectories(getPluginsRoots());
    }

    @Override
    protected PluginStatusProvider createPluginStatusProvider() {
        return new DisabledPlugins(getPluginsRoot());
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader()
                .add(new JarPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor d) {
                        return new HyperlabPluginClassLoader(pluginManager, d, getClass().getClassLoader());
                    }
                })
                .add(new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor d) {
                        return new HyperlabPluginClassLoader(pluginManager, d, getClass().getClassLoader());
                    }
                });
    }

    /** As PF4J's, but a file that is not a readable plugin is remembered with its reason. */
    @Override
    public void loadPlugins() {
        for (Path path : pluginRepository.getPluginPaths()) {
            try {
                loadPluginFromPath(path);
            } catch (PluginRuntimeException | IllegalArgumentException e) {
                unreadable.put(path, Optional.ofNullable(e.getMessage()).orElse(e.toString()).lines().findFirst()
                        .orElse(""));
            }
        }
        resolvePlugins();
    }

    /**
     * A zip is unpacked into the directory of its name (again when the zip is newer), a jar read through, both within
     * {@link PluginArchive}'s bounds, before PF4J reads anything of them (PF4J would unpack a zip without bounds).
     */
    @Override
    protected PluginWrapper loadPluginFromPath(Path path) {
        Path plugin = path;
        String name = path.getFileName().toString();
        if (Files.isRegularFile(path) && name.endsWith(".zip")) {
            plugin = path.resolveSibling(name.substring(0, name.length() - ".zip".length()));
            if (stale(plugin, path)) {
                PluginArchive.unpack(path, plugin);
            }
        } else if (Files.isRegularFile(path)) {
            PluginArchive.check(path);
        }
        return super.loadPluginFromPath(plugin);
    }

    private static boolean stale(Path dir, Path zip) {
        try {
            return !Files.isDirectory(dir) || Files.getLastModifiedTime(zip)
                    .compareTo(Files.getLastModifiedTime(dir)) > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** PF4J asks this before it loads or enables a plugin; a refusal is kept with its reason. */
    @Override
    protected boolean isPluginValid(PluginWrapper plugin) {
        PluginDescriptor d = plugin.getDescriptor();
        Optional<String> refusal = DescriptorRules.problem(d, apiVersion);
        refusal.ifPresent(r -> refusals.put(d.getPluginId(), r));
        return refusal.isEmpty();
    }

    /** The descriptor of a plugin file that is not installed yet ({@code plugin install} checks it first). */
    PluginDescriptor descriptorOf(Path file) {
        return getPluginDescriptorFinder().find(file);
    }

    /** Loads one more plugin file (after {@code plugin install}); its id. */
    String load(Path path) {
        return loadPlugin(path);
    }

    /** The class loader of a loaded plugin. */
    HyperlabPluginClassLoader classLoaderOf(String id) {
        return (HyperlabPluginClassLoader) getPluginClassLoader(id);
    }

    /** Writes down that a plugin is off, for the next sessions ({@code disabled.txt}). */
    void rememberDisabled(String id) {
        pluginStatusProvider.disablePlugin(id);
    }

    /**
     * Marks a plugin off in this session without running any of its code: {@code plugin disable} stops a healthy
     * plugin first, and must still be able to turn off one that is faulty or hangs in its stop.
     */
    void markDisabled(String id) {
        PluginWrapper w = getPlugin(id);
        getStartedPlugins().remove(w);
        w.setPluginState(PluginState.DISABLED);
    }

    /** Forgets a plugin, e.g. one whose install is being undone. */
    void forget(String id) {
        refusals.remove(id);
        if (getPlugin(id) != null) {
            unloadPlugin(id);
        }
    }
}
