package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.BackupStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The strategies {@code backup run --strategy ID} can name: the built-ins, then those plugins contribute. The shell
 * passes the plugins' strategies in; a plugin cannot replace a built-in id.
 *
 * <pre>{@code
 * BackupStrategy s = BackupStrategies.find("incremental", pluginStrategies).orElseThrow();
 * }</pre>
 */
public final class BackupStrategies {
    private BackupStrategies() {}

    /** {@code full}, {@code incremental}, {@code dedup}, in that order. */
    public static List<BackupStrategy> builtIns() {
        return List.of(new FullStrategy(), new IncrementalStrategy(), new DedupStrategy());
    }

    /** The built-ins followed by {@code plugins} whose ids are not taken, in the order given. */
    public static List<BackupStrategy> all(List<? extends BackupStrategy> plugins) {
        List<BackupStrategy> out = new ArrayList<>(builtIns());
        for (BackupStrategy p : plugins) {
            if (out.stream().noneMatch(s -> s.id().equals(p.id()))) {
                out.add(p);
            }
        }
        return out;
    }

    /** The strategy with this id among the built-ins and {@code plugins}. */
    public static Optional<BackupStrategy> find(String id, List<? extends BackupStrategy> plugins) {
        return all(plugins).stream().filter(s -> s.id().equals(id)).findFirst();
    }
}
