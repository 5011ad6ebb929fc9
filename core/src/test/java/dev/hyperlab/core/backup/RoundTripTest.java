package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.raw.RawImage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.spi.BackupStrategy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoundTripTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> strategies() {
        return Stream.of(
                Arguments.of(new FullStrategy(), false),
                Arguments.of(new DedupStrategy(), false),
                Arguments.of(new IncrementalStrategy(), false),
                Arguments.of(new FullStrategy(), true),
                Arguments.of(new DedupStrategy(), true));
    }

    @ParameterizedTest(name = "{0} encrypted={1}")
    @MethodSource("strategies")
    void restoresByteIdenticalWithHolesKept(BackupStrategy strategy, boolean encrypted) throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 96 * TestDisks.MiB, 40, 11);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"),
                encrypted ? Optional.of("secret".toCharArray()) : Optional.empty(), TestDisks.fastKdf(), 3);

        BackupResult r = repo.run(strategy, TestDisks.source("web1", disk, 1_000));
        assertThat(r.backup().strategy()).isEqualTo(strategy.id());
        assertThat(r.backup().disks()).hasSize(1);
        assertThat(r.backup().bytesAdded()).isPositive();

        Path out = tmp.resolve("restored.raw");
        RestoreResult restored = repo.restore(r.id().substring(0, 8), "vda", out);
        assertThat(restored.complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk));
        assertThat(Files.size(out)).isEqualTo(Files.size(disk));
        // holes stay holes: the restore allocates no more than the source (written zeros may become holes)
        assertThat(TestDisks.allocated(out)).isLessThanOrEqualTo(TestDisks.allocated(disk));
        assertThat(TestDisks.allocated(out)).isLessThan(Files.size(out) / 2);

        BackupCheckReport check = repo.check(true);
        assertThat(check.errors()).isEmpty();
        assertThat(check.ok()).isTrue();
        assertThat(repo.list()).extracting(BackupInfo::id).containsExactly(r.id());
        assertThat(repo.info(r.id()).config()).containsEntry("vcpus", 2L);
    }

    @Test
    void aBackupOfAnEmptyDiskAllocatesNoChunkOrPackBuffers() throws IOException {
        Path disk = tmp.resolve("empty.raw");
        RawImage.create(disk, 1L << 30).close();
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty(), TestDisks.fastKdf(), 3);
        repo.run(new FullStrategy(), TestDisks.source("warm-up", disk, 1)); // class loading and the index's first use
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        BackupResult r = repo.run(new FullStrategy(), TestDisks.source("tiny", disk, 2));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(r.backup().bytesAdded()).isLessThan(4096);
        // made up front, the pipeline's six 4 MiB chunk buffers and two 20 MiB pack buffers were 88 MiB, which the JVM
        // zeroes: a third of a second of a small backup through the shell
        assertThat(allocated).isLessThan(8L << 20);
    }

    @Test
    void restoresIntoAnOpenImageZeroingWhatTheBackupHasAsHoles() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 32 * TestDisks.MiB, 12, 5);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        BackupResult r = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 1));

        Path target = tmp.resolve("target.raw");
        try (RawImage img = RawImage.create(target, 32 * TestDisks.MiB)) {
            TestDisks.mutate(img, 30, 65536, 99); // old data the restore must not leave behind
            RestoreResult res = repo.restore(r.id(), "vda", img);
            assertThat(res.complete()).isTrue();
        }
        assertThat(TestDisks.sha256(target)).isEqualTo(TestDisks.sha256(disk));
    }

    @Test
    void sameInputGivesSameBackupId() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 48 * TestDisks.MiB, 20, 3);
        String a = BackupRepository.init(tmp.resolve("a"), Optional.empty())
                .run(new DedupStrategy(), TestDisks.source("web1", disk, 7)).id();
        String b = BackupRepository.init(tmp.resolve("b"), Optional.empty())
                .run(new DedupStrategy(), TestDisks.source("web1", disk, 7)).id();
        assertThat(a).isEqualTo(b);
        // and the same packs: the committer writes in read order whatever the threads do
        assertThat(Files.list(tmp.resolve("a/index")).map(p -> p.getFileName().toString()).toList())
                .isEqualTo(Files.list(tmp.resolve("b/index")).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void latestNamesTheBackupListedLast() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 8 * TestDisks.MiB, 4, 3);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.info("latest"))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("no backup in").hasMessageContaining(
                        "none is latest");
        // taken at later lab times, in an order whose ids sort otherwise: lab time decides, not the id
        BackupResult later = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 5_000));
        BackupResult earlier = repo.run(new FullStrategy(), TestDisks.source("web2", disk, 1_000));
        assertThat(repo.list()).extracting(BackupInfo::id).containsExactly(earlier.id(), later.id());
        assertThat(repo.info("latest").id()).isEqualTo(later.id());
        assertThat(repo.info(" LATEST ").id()).isEqualTo(later.id());
        assertThat(repo.ids(java.util.List.of("latest"))).containsExactly(later.id());
        Path out = tmp.resolve("latest.raw");
        assertThat(repo.restore("latest", "vda", out).complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.info("latestx"))
                .hasMessage("bad backup id: latestx (at least 4 hex digits, or latest)");
    }

    @Test
    void refusesBadInputWithoutChangingAnything() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 8 * TestDisks.MiB, 4, 3);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        BackupResult r = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 1));
        Path existing = Files.writeString(tmp.resolve("exists.raw"), "keep me");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.restore(r.id(), "vda", existing))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("already exists");
        assertThat(Files.readString(existing)).isEqualTo("keep me");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.restore(r.id(), "vdb", tmp.resolve("x")))
                .hasMessageContaining("has no disk vdb");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.restore("zzzz", "vda", tmp.resolve("x")))
                .hasMessageContaining("bad backup id");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.restore("abcd", "vda", tmp.resolve("x")))
                .hasMessageContaining("no backup abcd");
        assertThat(tmp.resolve("x")).doesNotExist();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> BackupRepository.init(tmp.resolve("repo"), Optional.empty()))
                .hasMessageContaining("not empty");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BackupRepository.open(tmp, Optional.empty()))
                .hasMessageContaining("not a backup repository");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.prune(0))
                .hasMessageContaining("at least 1");
    }

    @Test
    void misbehavingStrategyIsRefusedAndRecordsNothing() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 8 * TestDisks.MiB, 4, 3);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        BackupStrategy backwards = new BackupStrategy() {
            @Override
            public String id() {
                return "backwards";
            }

            @Override
            public String description() {
                return "a test strategy";
            }

            @Override
            public void backup(dev.hyperlab.api.spi.BackupContext context) throws IOException {
                var disk = context.disks().getFirst();
                context.sink(disk).store(1 << 20, 4096);
                context.sink(disk).store(0, ByteBuffer.allocate(4096));
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> repo.run(backwards, TestDisks.source("web1", disk, 1)))
                .isInstanceOf(RepositoryException.class)
                .hasMessageContaining("strategy backwards failed")
                .hasMessageContaining("out of order");
        assertThat(repo.list()).isEmpty();
        assertThat(repo.check(true).ok()).isTrue();
    }
}
