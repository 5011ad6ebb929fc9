package dev.hyperlab.shell.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultExtensionFinder;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;

/**
 * PF4J as hyperlab configures it: plugins from several directories (the user's first: its {@code disabled.txt} keeps
 * what {@code plugin disable} turned off), zip (unpacked next to it) or jar; extensions found through PF4J's index
 * ({@code META-INF/extensions.idx}, written by its annotation processor) and {@code META-INF/services} both; the
 * api shared with the shell ({@link ApiFirstClassLoader}); {@code plugin.requires} checked against the api version
 * with {@link ApiRequirement}, a refusal kept with its reason; a plugin that cannot be read at all kept with its
 * reason instead of only being logged.
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
    protected ExtensionFinder createExtensionFinder() {
        DefaultExtensionFinder finder = new DefaultExtensionFinder(this).addServiceProviderExtensionFinder();
        addPluginStateListener(finder);
        return finder;
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader()
                .add(new JarPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor d) {
                        return new ApiFirstClassLoader(pluginManager, d, getClass().getClassLoader());
                    }
                })
                .add(new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor d) {
                        return new ApiFirstClassLoader(pluginManager, d, getClass().getClassLoader());
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

    /** PF4J asks this before it loads or enables a plugin; a refusal is kept with its reason. */
    @Override
    protected boolean isPluginValid(PluginWrapper plugin) {
        PluginDescriptor d = plugin.getDescriptor();
        Optional<String> refusal = ApiRequirement.check(d.getRequires(), apiVersion);
        refusal.ifPresent(r -> refusals.put(d.getPluginId(), "plugin '" + d.getPluginId() + "' " + d.getVersion()
                + " " + r));
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

    /** Forgets a plugin, e.g. one whose install is being undone. */
    void forget(String id) {
        refusals.remove(id);
        if (getPlugin(id) != null) {
            unloadPlugin(id);
        }
    }
}
