package dev.hyperlab.testkit;

import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.core.backup.BackupRepository;
import dev.hyperlab.core.backup.BackupResult;
import dev.hyperlab.core.backup.BackupSource;
import dev.hyperlab.core.backup.BackupStrategies;
import dev.hyperlab.core.backup.SourceImage;
import dev.hyperlab.core.guard.ExtensionGuard;
import dev.hyperlab.core.guard.GuardedStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backup repository (the one {@code backup} uses) with a test plugin's strategies registered, and disks to back up.
 * Backups run as {@code backup run} runs them: the built-ins and the plugin's strategies by id, the plugin's through
 * the guard; every backup is restored by the same restore. Lab time advances one day per backup.
 *
 * <pre>{@code
 * try (TestRepository repo = PluginTestKit.repository().withStrategy(new MyStrategy())) {
 *     TestDisk vda = repo.disk("vda", 64 << 20, 1);
 *     repo.backup("web1", "my-strategy", vda);
 *     vda.write(2, 50);
 *     BackupResult second = repo.backup("web1", "my-strategy", vda);
 *     assertThat(PluginTestKit.sha256(repo.restore(second.id(), "vda"))).isEqualTo(vda.sha256());
 * }
 * }</pre>
 */
public final class TestRepository implements AutoCloseable {
    private final Path dir;
    private final boolean ownDir;
    private final BackupRepository repository;
    private final ExtensionGuard guard = new ExtensionGuard(ExtensionGuard.DEFAULT_LIMIT);
    private final List<BackupStrategy> strategies = new ArrayList<>();
    private final List<TestDisk> disks = new ArrayList<>();
    private long day;

    private TestRepository(Path dir, boolean ownDir, BackupRepository repository) {
        this.dir = dir;
        this.ownDir = ownDir;
        this.repository = repository;
    }

    static TestRepository create(Path dir, boolean ownDir) {
        try {
            return new TestRepository(dir, ownDir, BackupRepository.init(dir.resolve("repo"), Optional.empty()));
        } catch (IOException e) {
            throw new UncheckedIOException("creating a backup repository in " + dir, e);
        }
    }

    /** Registers strategies as the test plugin's. */
    public TestRepository withStrategy(BackupStrategy... ss) {
        for (BackupStrategy s : ss) {
            strategies.add(GuardedStrategy.of(s, PluginTestKit.PLUGIN, guard));
        }
        return this;
    }

    /** A new tracked qcow2 disk of {@code size} bytes with data runs placed by {@code seed}. */
    public TestDisk disk(String name, long size, long seed) {
        TestDisk d = TestDisk.create(name, dir.resolve(name + "-" + disks.size() + ".qcow2"), size, seed);
        disks.add(d);
        return d;
    }

    /** Backs up {@code disks} as machine {@code source} with the strategy {@code strategyId}. */
    public BackupResult backup(String source, String strategyId, TestDisk... machineDisks) {
        BackupStrategy s = BackupStrategies.find(strategyId, strategies).orElseThrow(() ->
                new IllegalArgumentException("no backup strategy '" + strategyId + "' (built-ins and "
                        + strategies.stream().map(BackupStrategy::id).toList() + ")"));
        List<SourceImage> images = new ArrayList<>();
        for (TestDisk d : machineDisks) {
            images.add(d.source());
        }
        try {
            day++;
            return repository.run(s, new BackupSource(source, images, Map.of(), Duration.ofDays(day).toNanos()));
        } catch (IOException e) {
            throw new UncheckedIOException("backup of " + source + " with " + strategyId, e);
        }
    }

    /** Restores one disk of a backup to a new raw image; its path. */
    public Path restore(String backupId, String disk) {
        Path out = dir.resolve("restored-" + backupId.substring(0, 12) + "-" + disk + ".raw");
        try {
            repository.restore(backupId, disk, out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("restore of " + disk + " from " + backupId, e);
        }
    }

    /** The repository itself (list, check, prune). */
    public BackupRepository repository() {
        return repository;
    }

    /** The plugins marked faulty so far. */
    public Map<String, String> faults() {
        return guard.faults();
    }

    @Override
    public void close() {
        disks.forEach(TestDisk::close);
        if (ownDir) {
            PluginTestKit.deleteTree(dir);
        }
    }
}
