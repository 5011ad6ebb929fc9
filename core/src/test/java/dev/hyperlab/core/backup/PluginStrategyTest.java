package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.SourceDisk;
import dev.hyperlab.core.guard.ExtensionFault;
import dev.hyperlab.core.guard.ExtensionGuard;
import dev.hyperlab.core.guard.GuardedStrategy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's backup strategy behind the guard: a good one backs up exactly as if called directly (restored bytes
 * identical), a slow one that keeps working is left alone, and one that hangs, misuses its sink or keeps it after the
 * run fails that backup only, naming the plugin, with the repository intact.
 */
class PluginStrategyTest {
    private static final Duration LIMIT = Duration.ofMillis(400);

    @TempDir
    Path tmp;

    /** A strategy of a plugin: {@code body} does the work. */
    record Plugin(String id, Body body) implements BackupStrategy {
        interface Body {
            void backup(BackupContext context) throws IOException;
        }

        @Override
        public String description() {
            return "test strategy " + id;
        }

        @Override
        public void backup(BackupContext context) throws IOException {
            body.backup(context);
        }
    }

    private final ExtensionGuard guard = new ExtensionGuard(LIMIT);

    private BackupStrategy guarded(String id, Plugin.Body body) {
        return GuardedStrategy.of(new Plugin(id, body), "plug-" + id, guard);
    }

    @Test
    void aGoodPluginStrategyIsRestoredByTheSameRestoreByteForByte() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 64 * TestDisks.MiB, 30, 9);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty(), TestDisks.fastKdf(), 3);
        BackupStrategy full = new FullStrategy();
        BackupResult r = repo.run(guarded("every-byte", full::backup), TestDisks.source("web1", disk, 5));
        assertThat(r.backup().strategy()).isEqualTo("every-byte");
        repo.restore(r.id(), "vda", tmp.resolve("out.raw"));
        assertThat(TestDisks.sha256(tmp.resolve("out.raw"))).isEqualTo(TestDisks.sha256(disk));
        assertThat(guard.faults()).isEmpty();
    }

    @Test
    void aSlowStrategyThatKeepsWorkingIsNotCutOff() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 16 * TestDisks.MiB, 6, 2);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty(), TestDisks.fastKdf(), 3);
        BackupResult r = repo.run(guarded("slow", ctx -> {
            for (SourceDisk d : ctx.disks()) {
                DiskSink sink = ctx.sink(d);
                for (ByteRange range : d.allocated()) {
                    for (long at = range.offset(); at < range.end(); at += sink.maxChunk()) {
                        sleep(LIMIT.toMillis() / 4); // several limits in all, never a limit of silence
                        sink.store(at, (int) Math.min(sink.maxChunk(), range.end() - at));
                    }
                }
            }
        }), TestDisks.source("web1", disk, 1));
        repo.restore(r.id(), "vda", tmp.resolve("out.raw"));
        assertThat(TestDisks.sha256(tmp.resolve("out.raw"))).isEqualTo(TestDisks.sha256(disk));
    }

    @Test
    void aHangingStrategyIsCutOffAndTheRepositoryIsIntact() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 16 * TestDisks.MiB, 6, 2);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty(), TestDisks.fastKdf(), 3);
        assertThatThrownBy(() -> repo.run(guarded("stuck", ctx -> {
            ctx.sink(ctx.disks().getFirst()).store(0, 4096);
            sleep(600_000);
        }), TestDisks.source("web1", disk, 1))).isInstanceOf(ExtensionFault.class)
                .hasMessageStartingWith("plugin 'plug-stuck' failed: backup strategy 'stuck' made no progress for"
                        + " 400ms");
        assertThat(repo.list()).isEmpty();
        assertThat(repo.check(true).ok()).isTrue();
        // the repository is usable at once
        BackupResult r = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 2));
        assertThat(repo.list()).hasSize(1);
        assertThat(r.backup().strategy()).isEqualTo("full");
    }

    @Test
    void misusingTheSinkOrThrowingIsThePluginsFault() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 16 * TestDisks.MiB, 6, 2);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty(), TestDisks.fastKdf(), 3);
        assertThatThrownBy(() -> repo.run(guarded("backwards", ctx -> {
            DiskSink sink = ctx.sink(ctx.disks().getFirst());
            sink.store(1 << 20, 4096);
            sink.store(0, 4096);
        }), TestDisks.source("web1", disk, 1))).isInstanceOf(ExtensionFault.class)
                .hasMessageContaining("plugin 'plug-backwards' failed: backup strategy 'backwards' threw"
                        + " java.lang.IllegalArgumentException");
        assertThat(guard.faultOf("plug-backwards")).isPresent();

        assertThatThrownBy(() -> repo.run(guarded("unlucky", ctx -> {
            throw new IOException("disk on fire"); // its own I/O: the plugin's code threw it, so it is its fault
        }), TestDisks.source("web1", disk, 1))).isInstanceOf(ExtensionFault.class);
        assertThat(repo.check(true).ok()).isTrue();
    }

    @Test
    void aSinkKeptBeyondItsRunCannotBeUsed() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 16 * TestDisks.MiB, 6, 2);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty(), TestDisks.fastKdf(), 3);
        AtomicReference<DiskSink> kept = new AtomicReference<>();
        BackupStrategy full = new FullStrategy();
        repo.run(guarded("keeper", ctx -> {
            kept.set(ctx.sink(ctx.disks().getFirst()));
            full.backup(ctx);
        }), TestDisks.source("web1", disk, 1));
        assertThatThrownBy(() -> kept.get().store(0, 4096)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("used after its call ended");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
