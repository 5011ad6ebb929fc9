package dev.hyperlab.shell.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plugins found faulty, and their first fault, kept in {@code faulty.txt} of the install directory (one
 * {@code ID<TAB>FAULT} a line), so that a plugin stays faulty in the next session until {@code plugin enable} gives
 * it another chance: with one {@code hyperlab -c} per command, a broken plugin was retried by every process, and
 * {@code plugin list} never showed it faulty. Rewritten whole and atomically, as {@code disabled.txt} is. An
 * unreadable or foreign file is taken as empty: it only remembers, and a plugin it forgets fails again if it is
 * broken.
 */
final class FaultyPlugins {
    private static final int MAX_BYTES = 1 << 20;
    /** A fault line longer than this is cut: it is a message for a person. */
    private static final int MAX_FAULT = 1000;

    private final Path file;
    private final Map<String, String> faults = new TreeMap<>();

    FaultyPlugins(Path dir) {
        this.file = dir.resolve("faulty.txt");
        String[] lines;
        try {
            lines = PluginFiles.readLines(file, MAX_BYTES);
        } catch (IOException e) {
            return; // only a memory: a plugin it forgets fails again if it is broken
        }
        for (String line : lines) {
            int tab = line.indexOf('\t');
            if (tab > 0 && !line.startsWith("#")) {
                faults.put(line.substring(0, tab), line.substring(tab + 1).strip());
            }
        }
    }

    /** The faults of earlier sessions, by plugin id. */
    synchronized Map<String, String> faults() {
        return new TreeMap<>(faults);
    }

    /** Writes down {@code plugin}'s fault; a file that cannot be written leaves it for this session only. */
    synchronized void add(String plugin, String fault) {
        String oneLine = fault.replace('\n', ' ').replace('\t', ' ');
        if (oneLine.length() > MAX_FAULT) {
            oneLine = oneLine.substring(0, MAX_FAULT);
        }
        if (!oneLine.equals(faults.put(plugin, oneLine))) {
            save();
        }
    }

    /** Forgets {@code plugin}'s fault ({@code plugin enable}, an uninstall). */
    synchronized void remove(String plugin) {
        if (faults.remove(plugin) != null) {
            save();
        }
    }

    private void save() {
        StringBuilder b = new StringBuilder("# plugins found faulty (plugin enable ID gives one another chance)\n");
        faults.forEach((id, fault) -> b.append(id).append('\t').append(fault).append('\n'));
        try {
            PluginFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // remembered for this session only: the fault itself is still reported where it happened
        }
    }
}
