package dev.hyperlab.shell.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * {@code disabled.txt} keeps what {@code plugin disable} turned off: {@link DisabledPlugins}), zip (unpacked within
 * {@link PluginArchive}'s bounds: beside it when installed, in the shell's home when found with {@code --plugins}) or
 * jar (checked within the same bounds); classes defined rewritten and the api shared with the shell ({@link HyperlabPluginClassLoader}); descriptors checked with
 * {@link DescriptorRules}, a refusal kept with its reason; a plugin that cannot be read at all kept with its reason
 * instead of only being logged.
 */
final class HyperlabPluginManager extends DefaultPluginManager {
    private final String apiVersion;
    /** The file (zip, jar or directory) each loaded plugin came from, by id. */
    private final Map<String, Path> loadedFrom = new TreeMap<>();
    /** Where the zips of the {@code --plugins} directories are unpacked, one directory each. */
    private final Path unpacked;
    /** Why a loaded plugin was refused, by plugin id. */
    final Map<String, String> refusals = new TreeMap<>();
    /** Plugin files that could not be loaded as plugins, and why (one line), by path. */
    final Map<Path, String> unreadable = new TreeMap<>();

    HyperlabPluginManager(List<Path> roots, Path unpacked, String apiVersion) {
        super(roots);
        this.unpacked = unpacked;
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

    /**
     * As PF4J's, but a file that is not a readable plugin is remembered with its reason, and a second plugin with an
     * id already loaded with the file that has it.
     */
    @Override
    public void loadPlugins() {
        for (Path path : pluginRepository.getPluginPaths()) {
            try {
                loadPluginFromPath(path);
            } catch (DuplicateId e) {
                unreadable.put(path, e.getMessage());
            } catch (PluginRuntimeException | IllegalArgumentException e) {
                unreadable.put(path, "not a plugin: " + Optional.ofNullable(e.getMessage()).orElse(e.toString())
                        .lines().findFirst().orElse(""));
            }
        }
        resolvePlugins();
    }

    /**
     * A zip is unpacked (again when the zip is newer), a jar read through, both within {@link PluginArchive}'s bounds,
     * before PF4J reads anything of them (PF4J would unpack a zip without bounds). A zip that {@code plugin install}
     * put in the install directory is unpacked beside it; one in a directory given with {@code --plugins} into
     * {@link #unpacked}, so that nothing is written into the user's directory.
     */
    @Override
    protected PluginWrapper loadPluginFromPath(Path path) {
        Path plugin = path;
        String name = path.getFileName().toString();
        if (Files.isRegularFile(path) && name.endsWith(".zip")) {
            String base = name.substring(0, name.length() - ".zip".length());
            plugin = path.getParent().equals(getPluginsRoot()) ? path.resolveSibling(base)
                    : unpacked.resolve(base + "-" + shortHash(path.toAbsolutePath().normalize().toString()));
            if (stale(plugin, path)) {
                PluginArchive.unpack(path, plugin);
            }
        } else if (Files.isRegularFile(path)) {
            PluginArchive.check(path);
        }
        String id = getPluginDescriptorFinder().find(plugin).getPluginId();
        Path first = loadedFrom.get(id);
        if (first != null && getPlugin(id) != null) {
            throw new DuplicateId("plugin id '" + id + "' is already loaded from " + first
                    + " (two plugins cannot share an id)");
        }
        PluginWrapper w = super.loadPluginFromPath(plugin);
        loadedFrom.put(id, path);
        return w;
    }

    /** A second plugin with an id already loaded: PF4J's own message prints both descriptors whole. */
    private static final class DuplicateId extends PluginRuntimeException {
        DuplicateId(String message) {
            super(message);
        }
    }

    /** 12 hex digits of the SHA-256 of {@code s}: two zips of one name in different directories stay apart. */
    private static String shortHash(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
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

    /** The file a plugin was loaded from (its zip or jar, not the directory a zip is unpacked into), if loaded. */
    Optional<Path> fileOf(String id) {
        return getPlugin(id) == null ? Optional.empty() : Optional.ofNullable(loadedFrom.get(id));
    }

    /** Forgets that a plugin was turned off ({@code disabled.txt}), as for a plugin that is uninstalled. */
    void forgetDisabled(String id) {
        pluginStatusProvider.enablePlugin(id);
    }

    /** Forgets a plugin, e.g. one whose install is being undone. */
    void forget(String id) {
        refusals.remove(id);
        if (getPlugin(id) != null) {
            unloadPlugin(id);
        }
    }
}
