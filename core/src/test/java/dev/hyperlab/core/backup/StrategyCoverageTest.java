package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A strategy (a plugin's, maybe) must describe every byte of data a disk holds: one that leaves data out is refused
 * and no backup is written. A plugin that stored half of each range made backups that check called sound and that
 * restored with zeros in place of data. Ranges that read as zeros may be skipped: they restore as zeros.
 */
class StrategyCoverageTest {
    @TempDir
    Path tmp;

    /** Stores each allocated range's chunks; {@code firstHalf}: only the first half of each range. */
    private static BackupStrategy strategy(String id, boolean firstHalf, boolean skipZeros) {
        return new BackupStrategy() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String description() {
                return "a test strategy";
            }

            @Override
            public void backup(BackupContext context) throws IOException {
                for (SourceDisk d : context.disks()) {
                    DiskSink sink = context.sink(d);
                    for (ByteRange r : d.allocated()) {
                        long end = firstHalf ? r.offset() + Math.max(4096, r.length() / 2 / 4096 * 4096) : r.end();
                        for (long o = r.offset(); o < end; o += sink.maxChunk()) {
                            int n = (int) Math.min(sink.maxChunk(), end - o);
                            ByteBuffer b = ByteBuffer.allocate(n);
                            d.read(o, b);
                            b.flip();
                            if (!(skipZeros && b.equals(ByteBuffer.allocate(n)))) {
                                sink.store(o, b);
                            }
                        }
                    }
                }
            }
        };
    }

    @Test
    void aStrategyThatLeavesDataOutWritesNoBackup() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 64 * TestDisks.MiB, 40, 9);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        assertThatThrownBy(() -> repo.run(strategy("half", true, false), TestDisks.source("web1", disk, 1)))
                .isInstanceOf(RepositoryException.class)
                .hasMessageStartingWith("strategy half failed: it left out ")
                .hasMessageContaining("bytes of disk vda's data (the first at offset ")
                .hasMessageEndingWith("which would restore as zeros; no backup was written");
        assertThat(repo.list()).isEmpty();
        assertThat(repo.check(false).ok()).isTrue();
    }

    @Test
    void aStrategyMaySkipRangesThatReadAsZeros() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 64 * TestDisks.MiB, 40, 9);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        BackupResult b = repo.run(strategy("no-zeros", false, true), TestDisks.source("web1", disk, 1));
        Path out = tmp.resolve("out.raw");
        assertThat(repo.restore(b.id(), "vda", out).complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk));
    }
}
