package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@code backup copy}: local and S3 repositories in every direction, re-encryption, skipping, interruption, refusals. */
class CopyTest extends S3ServerTests {

    private static Optional<char[]> pw(String p) {
        return Optional.of(p.toCharArray());
    }

    @Test
    void aFileBackupIsCopiedWithItsTreesAndRestoresFromTheCopy() throws IOException {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("etc/conf.d"));
        Files.writeString(src.resolve("etc/hosts"), "127.0.0.1 localhost\n");
        Files.write(src.resolve("etc/conf.d/big.bin"), TestDisks.content(new java.util.SplittableRandom(5), 3 << 20, 1));
        BackupRepository from = BackupRepository.init(tmp.resolve("files-from"), Optional.empty());
        FileBackupResult r = from.backupFiles("host1", List.of(src.toString()), "/", List.of(), 0, 1, false);
        BackupRepository to = BackupRepository.init(tmp.resolve("files-to"), pw("k"), TestDisks.fastKdf(), 3);

        CopyResult c = from.copyTo(to, List.of());
        assertThat(c.backups()).hasSize(1);
        // the copy holds the backup's trees and content: check reads them, and the files come back
        assertThat(to.check(true).ok()).isTrue();
        Path out = tmp.resolve("restored");
        to.restoreFiles(c.backups().getFirst().targetId(), out.toString(), List.of(), false);
        Path back = out.resolve(src.toString().substring(1));
        assertThat(Files.readString(back.resolve("etc/hosts"))).isEqualTo("127.0.0.1 localhost\n");
        assertThat(Files.readAllBytes(back.resolve("etc/conf.d/big.bin")))
                .isEqualTo(Files.readAllBytes(src.resolve("etc/conf.d/big.bin")));
        assertThat(r.backup().id()).isEqualTo(c.backups().getFirst().id());
    }

    @Test
    void copiesLocalPlainToS3EncryptedAndBackUnderAnotherKeyByteForByte() throws IOException {
        server.createBucket("copy");
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 24 * TestDisks.MiB, 16, 3);
        BackupRepository local = BackupRepository.init(tmp.resolve("plain"), Optional.empty());
        local.packTarget(1 << 20);
        BackupResult first = local.run(new DedupStrategy(), TestDisks.source("web1", disk, 1));
        BackupResult second = local.run(new DedupStrategy(), TestDisks.source("web1", disk, 2));

        BackupRepository s3 = BackupRepository.init(server.backend("copy/enc"), pw("one"), TestDisks.fastKdf(), 3);
        CopyResult toS3 = local.copyTo(s3, List.of());
        assertThat(toS3.backups()).extracting(CopyResult.Copied::id).containsExactly(first.id(), second.id());
        assertThat(toS3.backups()).noneMatch(CopyResult.Copied::existed);
        // the second backup's blobs are the first's: copied once
        assertThat(toS3.blobsCopied()).isEqualTo(first.backup().blobsAdded() + second.backup().blobsAdded());
        assertThat(s3.list()).extracting(BackupInfo::labTime).containsExactly(1L, 2L);
        assertThat(s3.check(true).ok()).isTrue();

        BackupRepository back = BackupRepository.init(tmp.resolve("enc2"), pw("two"), TestDisks.fastKdf(), 5);
        CopyResult fromS3 = s3.copyTo(back, List.of(toS3.backups().get(1).targetId().substring(0, 8)));
        assertThat(fromS3.backups()).hasSize(1);
        assertThat(back.check(true).ok()).isTrue();
        Path out = tmp.resolve("out.raw");
        String id = fromS3.backups().getFirst().targetId();
        assertThat(back.restore(id, "vda", out).complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk));
        // sealed under the target's key: the source's password opens nothing there
        assertThatThrownBy(() -> BackupRepository.open(tmp.resolve("enc2"), pw("one")))
                .hasMessageContaining("wrong password");

        // a second copy finds everything there and writes nothing
        Map<String, Long> before = files(tmp.resolve("enc2"));
        CopyResult again = s3.copyTo(back, List.of());
        assertThat(again.backups()).hasSize(2);
        assertThat(again.backups().get(1).existed()).isTrue();
        assertThat(again.backups().get(0).existed()).isFalse();
        assertThat(again.blobsCopied()).isZero(); // the first backup's blobs came with the second
        assertThat(s3.copyTo(back, List.of()).backups()).allMatch(CopyResult.Copied::existed);
        assertThat(files(tmp.resolve("enc2")).keySet()).containsAll(before.keySet());
        assertThat(back.check(true).ok()).isTrue();
    }

    @Test
    void anInterruptedCopyLeavesTheTargetWholeAndARerunCompletes() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 24 * TestDisks.MiB, 16, 5);
        BackupRepository source = BackupRepository.init(tmp.resolve("src"), pw("s"), TestDisks.fastKdf(), 3);
        BackupResult b = source.run(new DedupStrategy(), TestDisks.source("web1", disk, 1));
        BackupRepository.init(tmp.resolve("dst"), Optional.empty());
        int[] packsLeft = {2};
        Backend dying = new LocalBackend(tmp.resolve("dst"), step -> {
            if (step.startsWith("save data/") && step.endsWith(": half written") && packsLeft[0]-- <= 0) {
                throw new IOException("disk unplugged");
            }
        });
        BackupRepository half = BackupRepository.open(tmp.resolve("dst"), dying, Optional.empty()).packTarget(1 << 20);
        assertThatThrownBy(() -> source.copyTo(half, List.of())).hasMessageContaining("disk unplugged");

        BackupRepository target = BackupRepository.open(tmp.resolve("dst"), Optional.empty());
        assertThat(target.list()).isEmpty();
        assertThat(target.check(true).ok()).isTrue();
        assertThat(RepoFiles.under(tmp.resolve("dst"), "data")).hasSize(2);

        CopyResult rerun = source.copyTo(target, List.of(b.id().substring(0, 6)));
        assertThat(rerun.backups()).extracting(CopyResult.Copied::existed).containsExactly(false);
        assertThat(target.check(true).ok()).isTrue();
        Path out = tmp.resolve("out.raw");
        assertThat(target.restore(rerun.backups().getFirst().targetId(), "vda", out).complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk));
    }

    @Test
    void sameRepositoryUnknownIdAndAMissingBlobAreOneLineErrorsThatChangeNothing() throws IOException {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 8 * TestDisks.MiB, 6, 7);
        BackupRepository source = BackupRepository.init(tmp.resolve("src"), Optional.empty());
        source.run(new FullStrategy(), TestDisks.source("web1", disk, 1));
        BackupRepository target = BackupRepository.init(tmp.resolve("dst"), Optional.empty());
        Map<String, Long> before = files(tmp.resolve("dst"));

        Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("src"));
        BackupRepository viaLink = BackupRepository.open(tmp.resolve("link"), Optional.empty());
        assertThatThrownBy(() -> source.copyTo(viaLink, List.of())).isInstanceOf(RepositoryException.class)
                .hasMessage("cannot copy repository " + tmp.resolve("src") + " into itself (name two different"
                        + " repositories)");
        assertThatThrownBy(() -> source.copyTo(target, List.of("abcdef12"))).isInstanceOf(RepositoryException.class)
                .hasMessage("no backup abcdef12 in " + tmp.resolve("src") + " (see backup list)");
        assertThatThrownBy(() -> source.copyTo(target, List.of("zz"))).hasMessageStartingWith("bad backup id: zz");

        for (Path pack : RepoFiles.under(tmp.resolve("src"), "data")) {
            Files.delete(pack);
        }
        assertThatThrownBy(() -> source.copyTo(target, List.of())).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("is missing").hasMessageNotContaining("\n");
        assertThat(files(tmp.resolve("dst"))).isEqualTo(before);
    }

    /** Every file under {@code dir} with its size. */
    private static Map<String, Long> files(Path dir) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (Path p : RepoFiles.all(dir)) {
            out.put(dir.relativize(p).toString(), Files.size(p));
        }
        return out;
    }

}
