package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.raw.RawImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(120)
class EncryptionAndIntegrityTest {
    @TempDir
    Path tmp;

    @Test
    void wrongOrMissingPasswordIsAClearErrorAndTheRightOneOpens() throws IOException {
        Path dir = tmp.resolve("repo");
        BackupRepository.init(dir, Optional.of("right".toCharArray()), TestDisks.fastKdf(), 3);
        assertThatThrownBy(() -> BackupRepository.open(dir, Optional.of("wrong".toCharArray())))
                .isInstanceOf(RepositoryException.class).hasMessage("wrong password for repository " + dir);
        assertThatThrownBy(() -> BackupRepository.open(dir, Optional.empty()))
                .hasMessageContaining("is encrypted: a password is needed");
        assertThat(BackupRepository.open(dir, Optional.of("right".toCharArray())).encrypted()).isTrue();
        assertThatThrownBy(() -> BackupRepository.init(tmp.resolve("other"), Optional.of(new char[0])))
                .hasMessageContaining("empty password");
    }

    @Test
    void encryptedRepositoryHidesContent() throws IOException {
        Path disk = tmp.resolve("vda.raw");
        try (RawImage img = RawImage.create(disk, 4 * TestDisks.MiB)) {
            img.write(0, java.nio.ByteBuffer.wrap("TOP-SECRET-PAYLOAD ".repeat(5000).getBytes()));
        }
        Path dir = tmp.resolve("repo");
        BackupRepository repo = BackupRepository.init(dir, Optional.of("pw".toCharArray()), TestDisks.fastKdf(), 3);
        repo.run(new FullStrategy(), TestDisks.source("secret-vm", disk, 1));
        for (Path f : RepoFiles.all(dir)) {
            String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain("TOP-SECRET").doesNotContain("secret-vm");
        }
    }

    /**
     * A changed byte anywhere in the repository is detected: at three seeded places in every file, one at a time,
     * opening fails or {@code check --read-data} reports damage.
     */
    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = {true, false})
    void aChangedByteAnywhereIsDetected(boolean encrypted) throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 24 * TestDisks.MiB, 12, 61);
        Path dir = tmp.resolve("repo");
        Optional<char[]> pw = encrypted ? Optional.of("pw".toCharArray()) : Optional.empty();
        BackupRepository repo = BackupRepository.init(dir, pw, TestDisks.fastKdf(), 3);
        repo.run(new FullStrategy(), TestDisks.source("web1", disk, 1));
        repo.run(new DedupStrategy(), TestDisks.source("web1", disk, 2));
        assertThat(repo.check(true).ok()).isTrue();

        SplittableRandom r = new SplittableRandom(7);
        int flips = 0;
        for (Path f : RepoFiles.all(dir)) {
            long size = Files.size(f);
            for (long at : new long[] {0, r.nextLong(size), size - 1}) {
                byte[] original = RepoFiles.flip(f, at);
                String where = dir.relativize(f) + " byte " + at;
                try {
                    BackupRepository opened = BackupRepository.open(dir, pw);
                    BackupCheckReport report = opened.check(true);
                    assertThat(report.ok()).as(where).isFalse();
                    assertThat(report.errors()).as(where).isNotEmpty();
                } catch (RepositoryException expected) {
                    assertThat(expected.getMessage()).as(where).isNotBlank();
                } finally {
                    Files.write(f, original);
                }
                flips++;
            }
        }
        assertThat(flips).isGreaterThanOrEqualTo(18);
        assertThat(BackupRepository.open(dir, pw).check(true).ok()).isTrue();
    }
}
