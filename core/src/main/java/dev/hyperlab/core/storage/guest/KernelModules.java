package dev.hyperlab.core.storage.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The loadable modules a set of drivers needs, in load order, from a kernel's {@code modules.dep} (as depmod writes
 * it: {@code kernel/drivers/x/a.ko: kernel/drivers/y/b.ko ...}) and {@code modules.builtin} (drivers compiled into
 * the kernel, which need nothing loaded). A module's dependencies come before it, as modprobe loads them.
 */
final class KernelModules {
    private final Path dir;
    private final Map<String, String> pathByName = new HashMap<>();
    private final Map<String, List<String>> depsByPath = new HashMap<>();
    private final Set<String> builtin = new LinkedHashSet<>();

    private KernelModules(Path dir) {
        this.dir = dir;
    }

    /** Reads {@code dir/modules.dep} and {@code dir/modules.builtin}, e.g. {@code /lib/modules/6.1.0-57-amd64}. */
    static KernelModules read(Path dir) throws IOException {
        KernelModules m = new KernelModules(dir);
        for (String line : Files.readAllLines(dir.resolve("modules.dep"))) {
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            String path = line.substring(0, colon).trim();
            String rest = line.substring(colon + 1).trim();
            m.depsByPath.put(path, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            m.pathByName.put(name(path), path);
        }
        Path builtin = dir.resolve("modules.builtin");
        if (Files.exists(builtin)) {
            for (String line : Files.readAllLines(builtin)) {
                if (!line.isBlank()) m.builtin.add(name(line.trim()));
            }
        }
        return m;
    }

    /** A module's name as the kernel gives it: the file name without {@code .ko[.xz]}, with '-' read as '_'. */
    static String name(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        int ko = file.indexOf(".ko");
        return (ko < 0 ? file : file.substring(0, ko)).replace('-', '_');
    }

    /**
     * The module files (relative to the modules directory) that {@code drivers} need, dependencies first; a driver
     * built into the kernel needs none.
     *
     * @throws IOException naming a driver that is neither built in nor a module, or a compressed module (busybox's
     *     insmod loads plain .ko files)
     */
    List<String> loadOrder(List<String> drivers) throws IOException {
        LinkedHashSet<String> order = new LinkedHashSet<>();
        for (String driver : drivers) {
            String n = driver.replace('-', '_');
            if (builtin.contains(n)) continue;
            String path = pathByName.get(n);
            if (path == null) {
                throw new IOException("kernel " + dir.getFileName() + " has no driver " + driver + " (not in "
                        + dir.resolve("modules.dep") + " nor built in)");
            }
            visit(path, order, new LinkedHashSet<>());
        }
        for (String p : order) {
            if (!p.endsWith(".ko")) throw new IOException(dir.resolve(p) + " is compressed; the guest's insmod loads only plain .ko files");
        }
        return new ArrayList<>(order);
    }

    private void visit(String path, LinkedHashSet<String> order, Set<String> onStack) throws IOException {
        if (order.contains(path)) return;
        if (!onStack.add(path)) throw new IOException(dir.resolve("modules.dep") + ": " + path + " depends on itself");
        // modules.dep lists all of a module's dependencies, the nearest first: load the farthest first
        List<String> deps = depsByPath.getOrDefault(path, List.of());
        for (int i = deps.size() - 1; i >= 0; i--) visit(deps.get(i), order, onStack);
        onStack.remove(path);
        order.add(path);
    }
}
