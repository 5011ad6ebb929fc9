package dev.hyperlab.shell.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginStatusProvider;

/**
 * What {@code plugin disable} turned off, kept in {@code disabled.txt} of the install directory (one plugin id a
 * line, {@code #} comments, the file PF4J's own status provider reads) so that it lasts into the next session. It is
 * rewritten whole and atomically: a crash leaves the old list or the new one. Unlike PF4J's, it has no
 * {@code enabled.txt} allow-list, which hyperlab never offered.
 */
final class DisabledPlugins implements PluginStatusProvider {
    /** More than any list of ids a person keeps; a larger file is not one hyperlab wrote. */
    private static final int MAX_BYTES = 1 << 20;

    private final Path file;
    private final Set<String> disabled = new TreeSet<>();

    DisabledPlugins(Path dir) {
        this.file = dir.resolve("disabled.txt");
        String[] lines;
        try {
            lines = PluginFiles.readLines(file, MAX_BYTES);
        } catch (IOException e) {
            throw new PluginRuntimeException("cannot read " + file + ": " + e.getMessage());
        }
        for (String line : lines) {
            String id = line.strip();
            if (!id.isEmpty() && !id.startsWith("#")) {
                disabled.add(id);
            }
        }
    }

    @Override
    public synchronized boolean isPluginDisabled(String pluginId) {
        return disabled.contains(pluginId);
    }

    @Override
    public synchronized void disablePlugin(String pluginId) {
        if (disabled.add(pluginId)) {
            try {
                save();
            } catch (RuntimeException e) {
                disabled.remove(pluginId);
                throw e;
            }
        }
    }

    @Override
    public synchronized void enablePlugin(String pluginId) {
        if (disabled.remove(pluginId)) {
            try {
                save();
            } catch (RuntimeException e) {
                disabled.add(pluginId);
                throw e;
            }
        }
    }

    private void save() {
        StringBuilder b = new StringBuilder("# plugins turned off with 'plugin disable' (plugin enable ID turns one on)\n");
        disabled.forEach(id -> b.append(id).append('\n'));
        try {
            PluginFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PluginRuntimeException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
