package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The repository on a real S3-compatible server (S3Proxy on loopback): every verb, a whole backup cycle, the errors. */
class S3RepositoryTest extends S3ServerTests {

    @Test
    void backendVerbsKeepTheLayoutAndListAcrossPages() throws IOException {
        server.createBucket("verbs");
        S3Backend b = server.backend("verbs/some/prefix");
        byte[] data = "hello, object storage".getBytes(StandardCharsets.UTF_8);
        String pack = "ab" + "0".repeat(62);
        b.save(FileKind.PACK, pack, data);
        b.save(FileKind.INDEX, "cd" + "1".repeat(62), data, 7, 6);
        assertThat(b.list(FileKind.PACK)).containsExactly(pack);
        assertThat(b.list(FileKind.INDEX)).containsExactly("cd" + "1".repeat(62));
        assertThat(b.list(FileKind.CONFIG)).isEmpty();
        assertThat(b.stat(FileKind.PACK, pack)).isEqualTo(data.length);
        ByteBuffer part = ByteBuffer.allocate(6);
        b.load(FileKind.PACK, pack, 7, part);
        assertThat(new String(part.array(), StandardCharsets.UTF_8)).isEqualTo("object");
        assertThat(b.load(FileKind.INDEX, "cd" + "1".repeat(62))).containsExactly("object".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> b.load(FileKind.PACK, pack, data.length - 2, ByteBuffer.allocate(5)))
                .isInstanceOf(java.io.EOFException.class);
        assertThatThrownBy(() -> b.stat(FileKind.KEY, "missing")).isInstanceOf(NoSuchFileException.class);
        b.remove(FileKind.PACK, pack);
        b.remove(FileKind.PACK, pack); // removing what is gone is no error
        assertThat(b.list(FileKind.PACK)).isEmpty();
        // more names than one listing page (S3 pages by 1000)
        for (int i = 0; i < 1005; i++) {
            b.save(FileKind.LOCK, String.format("lock-%04d", i), data);
        }
        assertThat(b.list(FileKind.LOCK)).hasSize(1005).startsWith("lock-0000").endsWith("lock-1004");
    }

    @Test
    void wholeCycleOnS3EncryptedWithCheckRestoreAndPrune() throws IOException {
        server.createBucket("cycle");
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 40 * TestDisks.MiB, 20, 5);
        BackupRepository repo = BackupRepository.init(server.backend("cycle/repo"), Optional.of("pw".toCharArray()),
                TestDisks.fastKdf(), 3);
        repo.packTarget(2 << 20);
        BackupResult first = repo.run(new DedupStrategy(), TestDisks.source("web1", disk, 1));
        BackupResult second = repo.run(new DedupStrategy(), TestDisks.source("web1", disk, 2));
        assertThat(second.backup().bytesAdded()).isLessThan(first.backup().bytesAdded() / 10);

        BackupRepository again = BackupRepository.open(server.backend("cycle/repo"), Optional.of("pw".toCharArray()));
        assertThat(again.location()).isEqualTo("s3:http://127.0.0.1:" + server.port() + "/cycle/repo");
        assertThat(again.list()).hasSize(2);
        Path out = tmp.resolve("restored.raw");
        assertThat(again.restore(first.id(), "vda", out).complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk));
        assertThat(again.check(true).errors()).isEmpty();
        assertThat(again.locks()).isEmpty();

        assertThatThrownBy(() -> BackupRepository.open(server.backend("cycle/repo"), Optional.of("bad".toCharArray())))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("wrong password");
        assertThatThrownBy(() -> BackupRepository.init(server.backend("cycle/repo"), Optional.empty(),
                TestDisks.fastKdf(), 3)).hasMessageContaining("already holds a repository");
    }

    @Test
    void missingBucketWrongCredentialsAndServerDownAreOneLineErrors() throws Exception {
        assertThatThrownBy(() -> BackupRepository.init(server.backend("no-such-bucket"), Optional.empty(),
                TestDisks.fastKdf(), 3))
                .isInstanceOf(RepositoryException.class)
                .hasMessage("bucket no-such-bucket at http://127.0.0.1:" + server.port() + " does not exist (create it"
                        + " first)");

        server.createBucket("creds");
        S3Backend wrong = new S3Backend(server.location("creds"), S3TestServer.ACCESS, "not-the-secret", "us-east-1");
        assertThatThrownBy(() -> BackupRepository.init(wrong, Optional.empty(), TestDisks.fastKdf(), 3))
                .isInstanceOf(RepositoryException.class)
                .hasMessageContaining("refused the credentials").hasMessageNotContaining("\n");

        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        S3Backend down = new S3Backend(S3Location.parse("s3:http://127.0.0.1:" + freePort + "/creds"),
                S3TestServer.ACCESS, S3TestServer.SECRET, "us-east-1");
        assertThatThrownBy(() -> BackupRepository.open(down, Optional.empty()))
                .isInstanceOf(RepositoryException.class)
                .hasMessage("cannot reach the S3 server at http://127.0.0.1:" + freePort + " (is it running?) after "
                        + S3Backend.ATTEMPTS + " tries");

        assertThatThrownBy(() -> BackupRepository.open(server.backend("creds/empty"), Optional.empty()))
                .hasMessageContaining("is not a backup repository");
    }

    @Test
    void locationsParseAndBadOnesAreRefused() throws RepositoryException {
        S3Location l = S3Location.parse("s3:https://s3.example.org/bucket-1/a/b/");
        assertThat(l.endpoint().toString()).isEqualTo("https://s3.example.org");
        assertThat(l.bucket()).isEqualTo("bucket-1");
        assertThat(l.prefix()).isEqualTo("a/b/");
        assertThat(l).hasToString("s3:https://s3.example.org/bucket-1/a/b");
        assertThatThrownBy(() -> S3Location.parse("s3:ftp://host/b")).hasMessageContaining("bad S3 location");
        assertThatThrownBy(() -> S3Location.parse("s3:http://host:9000")).hasMessageContaining("names no bucket");
        assertThatThrownBy(() -> S3Location.parse("s3:http://host/Bad_Bucket")).hasMessageContaining("bucket names");
    }
}
