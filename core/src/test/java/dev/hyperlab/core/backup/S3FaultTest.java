package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The S3 backend behind a proxy that answers 500 and resets connections at seeded points. */
class S3FaultTest extends S3ServerTests {


    @Test
    void seededServerErrorsAndResetsAreRetriedAndTheBackupIsWhole() throws Exception {
        server.createBucket("faults");
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 24 * TestDisks.MiB, 16, 9);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(server.port(), 21, 0.2, S3Backend.ATTEMPTS - 1)) {
            BackupRepository repo = BackupRepository.init(proxy.backend("faults/r"), Optional.of("pw".toCharArray()),
                    TestDisks.fastKdf(), 3).packTarget(1 << 20);
            BackupResult r = repo.run(new DedupStrategy(), TestDisks.source("web1", disk, 1));
            Path out = tmp.resolve("out.raw");
            assertThat(repo.restore(r.id(), "vda", out).complete()).isTrue();
            assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk));
            assertThat(repo.check(true).errors()).isEmpty();
            assertThat(proxy.errors500.get()).isPositive();
            assertThat(proxy.resets.get()).isPositive();
        }
        // and straight to the server, past the proxy: the same whole repository
        BackupRepository direct = BackupRepository.open(server.backend("faults/r"), Optional.of("pw".toCharArray()));
        assertThat(direct.check(true).errors()).isEmpty();
    }

    @Test
    void aPermanentFailureIsOneLineAndLeavesNothingCheckCallsDamage() throws Exception {
        server.createBucket("down");
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 16 * TestDisks.MiB, 10, 4);
        BackupRepository.init(server.backend("down/r"), Optional.empty(), TestDisks.fastKdf(), 3);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(server.port(), 7, 0.05, Integer.MAX_VALUE)) {
            // from here on, a few requests fail every time they are sent
            IOException e = null;
            for (int i = 0; i < 5 && e == null; i++) {
                try {
                    BackupRepository.open(proxy.backend("down/r"), Optional.empty())
                            .run(new FullStrategy(), TestDisks.source("web1", disk, i));
                } catch (IOException failed) {
                    e = failed;
                }
            }
            assertThat(e).isInstanceOf(RepositoryException.class);
            assertThat(e.getMessage()).doesNotContain("\n")
                    .matches("(the S3 server at http://127\\.0\\.0\\.1:\\d+ (kept failing on|failed while sending) .*"
                            + " after " + S3Backend.ATTEMPTS + " tries)");
        }
        BackupRepository direct = BackupRepository.open(server.backend("down/r"), Optional.empty());
        assertThat(direct.check(true).errors()).isEmpty();
        assertThat(direct.run(new FullStrategy(), TestDisks.source("web1", disk, 9)).backup().disks()).hasSize(1);
        assertThat(direct.check(true).errors()).isEmpty();
    }
}
