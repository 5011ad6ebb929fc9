package dev.hyperlab.core.backup;

import dev.hyperlab.core.json.Json;
import dev.hyperlab.core.storage.raw.RawImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * An open begun ahead (the shell's, while it opens the lab) is taken by the next open of the same directory with
     * the same password only, once; a wrong password begun ahead is reported as a plain open reports it, and another
     * password, directory or a place with no repository leaves the open to do everything itself.
     */
    @Test
    void anOpenBegunAheadGivesWhatAnOpenGives() throws IOException {
        Path dir = tmp.resolve("repo").toAbsolutePath().normalize();
        BackupRepository.init(dir, Optional.of("right".toCharArray()), TestDisks.fastKdf(), 3);
        BackupRepository.openAhead(dir, "right".toCharArray());
        BackupRepository ahead = BackupRepository.open(dir, Optional.of("right".toCharArray()));
        assertThat(ahead.encrypted()).isTrue();
        assertThat(ahead.location()).isEqualTo(dir.toString());
        assertThat(ahead.list()).isEmpty();
        // taken once: the next open opens on its own
        assertThat(BackupRepository.open(dir, Optional.of("right".toCharArray()))).isNotSameAs(ahead);

        BackupRepository.openAhead(dir, "wrong".toCharArray());
        assertThatThrownBy(() -> BackupRepository.open(dir, Optional.of("wrong".toCharArray())))
                .isInstanceOf(RepositoryException.class).hasMessage("wrong password for repository " + dir);
        BackupRepository.openAhead(dir, "wrong".toCharArray());
        assertThat(BackupRepository.open(dir, Optional.of("right".toCharArray())).encrypted()).isTrue();
        assertThatThrownBy(() -> BackupRepository.open(dir, Optional.of("wrong".toCharArray())))
                .hasMessage("wrong password for repository " + dir);

        Path none = tmp.resolve("none").toAbsolutePath();
        BackupRepository.openAhead(none, "right".toCharArray());
        assertThatThrownBy(() -> BackupRepository.open(none, Optional.of("right".toCharArray())))
                .hasMessageContaining("is not a backup repository");
    }

    /**
     * An unencrypted repository is opened ahead without a password, its index read too, and taken by the next open
     * without one, once; an open with a password does not take it (and is refused as before). An encrypted repository
     * begins nothing without a password.
     */
    @Test
    void anUnencryptedRepositoryOpensAheadWithoutAPassword() throws IOException {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tree.resolve("a.txt"), "alpha ".repeat(4000));
        Path dir = tmp.resolve("plain").toAbsolutePath().normalize();
        List<String> paths = List.of(tree.toString());
        BackupRepository.init(dir, Optional.empty()).backupFiles("h", paths, "/", List.of(), 1, 1, false);

        BackupRepository.openAhead(dir, Optional.empty(), true);
        assertThat(BackupRepository.begunAhead(dir)).isTrue();
        BackupRepository ahead = BackupRepository.open(dir, Optional.empty());
        assertThat(BackupRepository.begunAhead(dir)).isFalse(); // taken once
        assertThat(ahead.encrypted()).isFalse();
        ahead.indexAhead().join();
        FileBackupResult unchanged = ahead.backupFiles("h", paths, "/", List.of(), 2, 2, false);
        assertThat(unchanged.bytesRead()).isZero(); // bytes added: the trees of / and /tmp if /tmp changed meanwhile
        assertThat(ahead.blobsStoredTwice()).isZero();
        assertThat(ahead.list()).hasSize(2);
        assertThat(ahead.check(true).ok()).isTrue();
        assertThat(BackupRepository.open(dir, Optional.empty())).isNotSameAs(ahead);

        // begun without, opened with a password: not taken, refused in the same words as before
        BackupRepository.openAhead(dir, Optional.empty(), false);
        assertThatThrownBy(() -> BackupRepository.open(dir, Optional.of("pw".toCharArray())))
                .hasMessageContaining("is not encrypted, yet a password was given");
        assertThat(BackupRepository.begunAhead(dir)).isFalse();
        // begun with a password: refused when taken, as that open is
        BackupRepository.openAhead(dir, Optional.of("pw".toCharArray()), true);
        assertThatThrownBy(() -> BackupRepository.open(dir, Optional.of("pw".toCharArray())))
                .hasMessageContaining("is not encrypted, yet a password was given");

        Path secret = tmp.resolve("secret").toAbsolutePath().normalize();
        BackupRepository.init(secret, Optional.of("pw".toCharArray()), TestDisks.fastKdf(), 3);
        BackupRepository.openAhead(secret, Optional.empty(), true);
        assertThat(BackupRepository.begunAhead(secret)).isFalse();
        assertThatThrownBy(() -> BackupRepository.open(secret, Optional.empty()))
                .hasMessageContaining("is encrypted: a password is needed");
        assertThat(BackupRepository.open(secret, Optional.of("pw".toCharArray())).encrypted()).isTrue();
    }

    /**
     * Index files read ahead of the lock are used only while they are still listed under it: a backup made by another
     * open in between, and a prune that rewrote the index, are seen, and the repository checks clean.
     */
    @Test
    void indexFilesReadAheadCountOnlyWhileStillListed() throws IOException {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tree.resolve("a.txt"), "alpha ".repeat(4000));
        Path dir = tmp.resolve("repo").toAbsolutePath().normalize();
        Optional<char[]> pw = Optional.of("pw".toCharArray());
        List<String> paths = List.of(tree.toString());
        BackupRepository.init(dir, pw, TestDisks.fastKdf(), 3).backupFiles("h", paths, "/", List.of(), 1, 1, false);

        BackupRepository.openAhead(dir, "pw".toCharArray(), true);
        BackupRepository ahead = BackupRepository.open(dir, pw);
        ahead.indexAhead().join();
        // meanwhile another open backs up a new file: an index file the read ahead did not see
        Files.writeString(tree.resolve("b.txt"), "beta ".repeat(4000));
        BackupRepository.open(dir, pw).backupFiles("h", paths, "/", List.of(), 2, 2, false);
        FileBackupResult unchanged = ahead.backupFiles("h", paths, "/", List.of(), 3, 3, false);
        // not "no bytes added": the trees of / and /tmp are new whenever another process changed /tmp meanwhile
        assertThat(unchanged.bytesRead()).isZero();
        assertThat(ahead.blobsStoredTwice()).as("blobs the other open's backup stored, stored again").isZero();
        assertThat(unchanged.warnings()).isEmpty();
        assertThat(ahead.indexAhead()).isNull(); // taken by that backup's load

        BackupRepository.openAhead(dir, "pw".toCharArray(), true);
        BackupRepository again = BackupRepository.open(dir, pw);
        again.indexAhead().join();
        // a prune rewrites the index: the files read ahead are no longer listed
        Files.delete(tree.resolve("a.txt"));
        BackupRepository other = BackupRepository.open(dir, pw);
        other.backupFiles("h", paths, "/", List.of(), 4, 4, false);
        other.prune(1);
        FileBackupResult after = again.backupFiles("h", paths, "/", List.of(), 5, 5, false);
        assertThat(after.warnings()).isEmpty();
        assertThat(again.check(true).ok()).as("%s", again.check(true)).isTrue();

        // nothing changed in between: the index made ahead is the load's
        BackupRepository.openAhead(dir, "pw".toCharArray(), true);
        BackupRepository same = BackupRepository.open(dir, pw);
        same.indexAhead().join();
        FileBackupResult last = same.backupFiles("h", paths, "/", List.of(), 6, 6, false);
        assertThat(last.bytesRead()).isZero();
        assertThat(same.blobsStoredTwice()).isZero();
        assertThat(last.warnings()).isEmpty();
        assertThat(same.check(true).ok()).isTrue();
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

    private static Optional<char[]> pw(String password) {
        return Optional.of(password.toCharArray());
    }

    /**
     * Issue 13, item 2: {@code "encryption": "none"} with the config's checksum recomputed. Neither with the password
     * nor without it does the repository open, so no plaintext pack or manifest is ever written into it.
     */
    @Test
    void aDowngradedConfigIsRefusedSoNothingIsWrittenInPlaintext() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 8 * TestDisks.MiB, 8, 5);
        Path dir = tmp.resolve("repo");
        BackupRepository.init(dir, pw("pw"), TestDisks.fastKdf(), 3)
                .run(new FullStrategy(), TestDisks.source("web1", disk, 1));
        HostileRepos.editConfig(dir, c -> c.put("encryption", "none"));
        List<Path> files = RepoFiles.all(dir);

        assertThatThrownBy(() -> BackupRepository.open(dir, pw("pw"))).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("encryption downgrade");
        assertThatThrownBy(() -> BackupRepository.open(dir, Optional.empty())).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("encryption downgrade");
        // the config's MAC and the key files removed as well: a password given still says the repository is meant to
        // be encrypted
        HostileRepos.editConfig(dir, c -> c.remove("mac"));
        for (Path key : RepoFiles.under(dir, "keys")) {
            Files.delete(key);
        }
        assertThatThrownBy(() -> BackupRepository.open(dir, pw("pw"))).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("is not encrypted, yet a password was given");
        assertThat(RepoFiles.all(dir)).as("nothing written").containsExactlyElementsOf(files.stream()
                .filter(f -> !dir.relativize(f).startsWith("keys")).toList());
    }

    /** Key files in a repository opened as unencrypted: no backup or prune writes plaintext next to them. */
    @Test
    void noPlaintextIsWrittenWhereKeyFilesExist() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 8 * TestDisks.MiB, 8, 5);
        Path dir = tmp.resolve("repo");
        BackupRepository plain = BackupRepository.init(dir, Optional.empty());
        plain.run(new FullStrategy(), TestDisks.source("web1", disk, 1));
        HostileRepos.addKeyFile(dir, KeyFile.create("pw".toCharArray(), new byte[64], TestDisks.fastKdf()), null);
        List<Path> files = RepoFiles.all(dir);

        assertThatThrownBy(() -> plain.run(new FullStrategy(), TestDisks.source("web1", disk, 2)))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("key files");
        assertThatThrownBy(() -> plain.prune(1)).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("key files");
        assertThat(RepoFiles.all(dir)).isEqualTo(files);
    }

    /** The config of an encrypted repository is authenticated with its key: no field changes unnoticed. */
    @Test
    void aChangedConfigDoesNotVerifyWithTheKey() throws IOException {
        Path dir = tmp.resolve("repo");
        BackupRepository.init(dir, pw("pw"), TestDisks.fastKdf(), 3);
        byte[] genuine = Files.readAllBytes(dir.resolve("config"));

        HostileRepos.editConfig(dir, c -> c.put("compressionLevel", 19L));
        assertThatThrownBy(() -> BackupRepository.open(dir, pw("pw"))).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("does not verify with its key");
        Files.write(dir.resolve("config"), genuine);
        HostileRepos.editConfig(dir, c -> c.remove("mac"));
        assertThatThrownBy(() -> BackupRepository.open(dir, pw("pw"))).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("not authenticated");
        Files.write(dir.resolve("config"), genuine);
        assertThat(BackupRepository.open(dir, pw("pw")).compressionLevel()).isEqualTo(3);
    }

    /**
     * A repository written before configs were authenticated (an unkeyed checksum, a key sealing the bare master key)
     * still opens, backs up and restores: its key vouches that it is encrypted, so a downgrade is still refused.
     */
    @Test
    void aRepositoryFromBeforeAuthenticatedConfigsStillWorks() throws IOException {
        Path dir = tmp.resolve("old");
        LocalBackend.createLayout(dir);
        byte[] master = new byte[64];
        new SplittableRandom(3).nextBytes(master);
        HostileRepos.addKeyFile(dir, HostileRepos.legacyKeyFile("pw".toCharArray(), master, TestDisks.fastKdf()), null);
        java.util.Map<String, Object> config = new java.util.LinkedHashMap<>();
        config.put("format", "hyperlab-backup");
        config.put("version", 1);
        config.put("encryption", "aes-256-gcm");
        config.put("compression", "zstd");
        config.put("compressionLevel", 3);
        config.put("checksum", ObjectId.sha256(Json.write(config)).hex());
        Files.write(dir.resolve("config"), Json.write(config));

        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 8 * TestDisks.MiB, 8, 5);
        BackupRepository repo = BackupRepository.open(dir, pw("pw"));
        assertThat(repo.encrypted()).isTrue();
        String id = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 1)).id();
        assertThat(repo.restore(id, "vda", tmp.resolve("out.raw")).complete()).isTrue();
        assertThat(TestDisks.sha256(tmp.resolve("out.raw"))).isEqualTo(TestDisks.sha256(disk));

        HostileRepos.editConfig(dir, c -> c.put("encryption", "none"));
        assertThatThrownBy(() -> BackupRepository.open(dir, Optional.empty())).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("encryption downgrade");
    }

    /**
     * Issue 13, item 3: a key file re-named by its own hash that asks Argon2id for far more than hyperlab uses is
     * refused before any derivation, with the bound in the message.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memoryKiB=1048576", "iterations=100", "parallelism=16"})
    void aKeyFileAskingForACostlyDerivationIsRefusedAtOnce(String setting) throws IOException {
        Path dir = tmp.resolve("repo");
        BackupRepository.init(dir, pw("pw"), TestDisks.fastKdf(), 3);
        String[] kv = setting.split("=");
        HostileRepos.editKeyFile(dir, k -> k.put(kv[0], Long.parseLong(kv[1])));

        assertThatThrownBy(() -> BackupRepository.open(dir, pw("pw"))).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("asks for more than hyperlab allows")
                .hasMessageContaining("at most " + KdfParams.MAX.memoryKiB() + " KiB")
                .hasMessageNotContaining("\n");
    }

    @Test
    void hyperlabCreatesNoKeyItWouldRefuseAndTriesFewKeyFiles() throws IOException {
        assertThatThrownBy(() -> new KdfParams(KdfParams.MAX.memoryKiB() * 2, 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
        assertThat(KdfParams.DEFAULT.memoryKiB()).isLessThanOrEqualTo(KdfParams.MAX.memoryKiB());

        Path dir = tmp.resolve("repo");
        BackupRepository.init(dir, pw("pw"), TestDisks.fastKdf(), 3);
        for (int i = 0; i < 20; i++) {
            HostileRepos.addKeyFile(dir, KeyFile.create(("other" + i).toCharArray(), new byte[64],
                    TestDisks.fastKdf()), null);
        }
        assertThatThrownBy(() -> BackupRepository.open(dir, pw("pw"))).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("21 key files");
    }
}
