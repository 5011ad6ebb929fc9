package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A plugin's backup strategy as the repository calls it. A backup may rightly run for minutes, so the guard's limit
 * applies to silence: a strategy that neither reads a disk nor stores a chunk for that long is cut off. An I/O
 * failure of a disk or the repository passes through as it is (not the plugin's fault); anything else the strategy
 * throws, including a misuse its sink refuses, marks the plugin faulty.
 */
public final class GuardedStrategy extends GuardedExtension implements BackupStrategy {
    private final BackupStrategy strategy;

    private GuardedStrategy(BackupStrategy strategy, String plugin, ExtensionGuard guard) {
        super(strategy, "backup strategy", plugin, guard);
        this.strategy = strategy;
    }

    /**
     * Wraps {@code strategy} of {@code plugin}, reading its id and description once.
     *
     * @throws ExtensionFault when they cannot be read or the id is malformed
     */
    public static GuardedStrategy of(BackupStrategy strategy, String plugin, ExtensionGuard guard) {
        return new GuardedStrategy(strategy, plugin, guard);
    }

    @Override
    public void backup(BackupContext context) throws IOException {
        Lease lease = new Lease();
        GuardedBackupContext guarded = new GuardedBackupContext(context, lease);
        // an engine-side failure comes back as the call's value, so the guard does not blame the plugin for it
        Throwable engine = guard.watch(plugin, "backup strategy '" + id() + "'", lease, () -> {
            try {
                strategy.backup(guarded);
                return null;
            } catch (Throwable t) {
                if (lease.engineThrew(t)) {
                    return t;
                }
                throw t;
            }
        });
        switch (engine) {
            case null -> {}
            case IOException e -> throw e;
            case UncheckedIOException e -> throw e;
            default -> throw new IllegalStateException("unexpected engine failure", engine);
        }
    }
}
