package dev.hyperlab.shell.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.pf4j.PluginRepository;

/**
 * Where PF4J finds plugins: in each root, its jars, its zips and the directories that are not a zip's unpacked copy,
 * hidden names left out, in name order (PF4J's own order is by modification time). Unlike PF4J's repositories it
 * unpacks nothing: {@link HyperlabPluginManager} unpacks a zip as it loads it, within {@link PluginArchive}'s bounds.
 */
final class PluginDirectories implements PluginRepository {
    private final List<Path> roots;

    PluginDirectories(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    @Override
    public List<Path> getPluginPaths() {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.list(root)) {
                files.filter(PluginDirectories::isPlugin).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the plugins in " + root, e);
            }
        }
        return out;
    }

    private static boolean isPlugin(Path p) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
            return false;
        }
        if (Files.isRegularFile(p)) {
            return isArchive(name);
        }
        return Files.isDirectory(p) && !Files.exists(p.resolveSibling(name + ".zip"));
    }

    static boolean isArchive(String name) {
        return name.endsWith(".zip") || name.endsWith(".jar");
    }

    /** Deletes a plugin: its file or directory, and the zip a directory was unpacked from. */
    @Override
    public boolean deletePluginPath(Path path) {
        try {
            Files.deleteIfExists(path.resolveSibling(path.getFileName() + ".zip"));
            boolean existed = Files.exists(path);
            PluginFiles.deleteTree(path);
            return existed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the plugin " + path, e);
        }
    }
}
