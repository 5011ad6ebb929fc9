package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Packs from 8 MiB up go to S3 in parts, at most 4 requests at once; a failed part aborts the upload. */
class S3MultipartTest extends S3ServerTests {


    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void aLargePackGoesUpInPartsAtMostFourAtOnceAndReadsBackWhole() throws Exception {
        server.createBucket("parts");
        byte[] buffer = random(23 << 20, 1);
        String name = "ab" + "1".repeat(62);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(server.port(), 3, 0.1, S3Backend.ATTEMPTS - 1)) {
            S3Backend b = proxy.backend("parts/r");
            // a slice of a larger buffer, as the pipeline hands packs over: 21 MiB + 5 bytes, so 5 parts
            int length = (21 << 20) + 5;
            b.save(FileKind.PACK, name, buffer, 1000, length);
            List<String> lines = List.copyOf(proxy.requests);
            assertThat(lines).filteredOn(l -> l.startsWith("POST ") && l.contains("?uploads=")).hasSize(1);
            assertThat(lines.stream().filter(l -> l.startsWith("PUT ") && l.contains("partNumber="))
                    .map(l -> l.replaceAll(".*partNumber=(\\d+).*", "$1")).distinct())
                    .containsExactlyInAnyOrder("1", "2", "3", "4", "5");
            assertThat(lines).filteredOn(l -> l.startsWith("POST ") && l.contains("uploadId=")).isNotEmpty();
            assertThat(proxy.maxInFlight.get()).isLessThanOrEqualTo(S3Backend.PARALLEL_UPLOADS);
            assertThat(b.stat(FileKind.PACK, name)).isEqualTo(length);
            byte[] back = new byte[length];
            b.load(FileKind.PACK, name, 0, ByteBuffer.wrap(back));
            assertThat(ByteBuffer.wrap(back)).isEqualTo(ByteBuffer.wrap(buffer, 1000, length));

            // below 8 MiB: one PUT
            proxy.requests.clear();
            b.save(FileKind.PACK, "cd" + "2".repeat(62), buffer, 0, S3Backend.MULTIPART_FROM - 1);
            assertThat(proxy.requests).noneMatch(l -> l.contains("uploads") || l.contains("uploadId"));
        }
    }

    @Test
    void aPartThatKeepsFailingAbortsTheUploadAndLeavesNoObject() throws Exception {
        server.createBucket("abort");
        byte[] data = random(12 << 20, 2);
        String name = "ef" + "3".repeat(62);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(server.port(), 5, 0, 0)) {
            S3Backend b = proxy.backend("abort/r");
            proxy.alwaysFail = "partNumber=2";
            assertThatThrownBy(() -> b.save(FileKind.PACK, name, data)).isInstanceOf(RepositoryException.class)
                    .hasMessageContaining("kept failing on part 2 of data/" + name);
            assertThat(proxy.requests).filteredOn(l -> l.startsWith("DELETE ") && l.contains("uploadId=")).hasSize(1);
            assertThatThrownBy(() -> b.stat(FileKind.PACK, name)).isInstanceOf(NoSuchFileException.class);
            assertThat(b.list(FileKind.PACK)).isEmpty();
        }
    }

    @Test
    void aBackupWithPacksAboveTheThresholdRestoresByteForByte() throws Exception {
        server.createBucket("bigpacks");
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 64 * TestDisks.MiB, 60, 11);
        BackupRepository repo = BackupRepository.init(server.backend("bigpacks/r"), Optional.empty(),
                TestDisks.fastKdf(), 3).packTarget(10 << 20);
        BackupResult r = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 1));
        Path out = tmp.resolve("out.raw");
        assertThat(repo.restore(r.id(), "vda", out).complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk));
        assertThat(repo.check(true).ok()).isTrue();
    }
}
