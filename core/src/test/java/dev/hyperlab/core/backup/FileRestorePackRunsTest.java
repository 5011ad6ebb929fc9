package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file restore reads each stretch of a pack once (issue 18): the blobs of a batch of files are read per pack, not
 * one read per blob, and the files come back byte for byte, with their metadata, whether their blobs are spread over
 * several packs or shared by several files.
 */
class FileRestorePackRunsTest {
    @TempDir
    Path tmp;

    /** A repository's storage that counts the reads of packs. */
    private static class CountingBackend implements Backend {
        final Backend inner;
        final AtomicInteger packReads = new AtomicInteger();

        CountingBackend(Backend inner) {
            this.inner = inner;
        }

        @Override
        public void save(FileKind kind, String name, byte[] data, int offset, int length) throws IOException {
            inner.save(kind, name, data, offset, length);
        }

        @Override
        public void load(FileKind kind, String name, long offset, ByteBuffer dst) throws IOException {
            if (kind == FileKind.PACK) {
                packReads.incrementAndGet();
            }
            inner.load(kind, name, offset, dst);
        }

        @Override
        public long stat(FileKind kind, String name) throws IOException {
            return inner.stat(kind, name);
        }

        @Override
        public List<String> list(FileKind kind) throws IOException {
            return inner.list(kind);
        }

        @Override
        public void remove(FileKind kind, String name) throws IOException {
            inner.remove(kind, name);
        }
    }

    @Test
    void eachPackIsReadOnceForManyFilesAndTheyComeBackByteForByte() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        SplittableRandom random = new SplittableRandom(18);
        // 900 small files in 3 directories: more than one batch of files, each blob of its own
        int small = 900;
        for (int i = 0; i < small; i++) {
            Path dir = Files.createDirectories(src.resolve("d" + i % 3));
            byte[] b = new byte[1 + random.nextInt(12_000)];
            random.nextBytes(b);
            Files.write(dir.resolve("f" + i), b);
        }
        // a file larger than a pack (16 MiB): its blobs are spread over several packs
        byte[] big = new byte[40 << 20];
        random.nextBytes(big);
        Files.write(src.resolve("big.bin"), big);
        // the same content under three names (not hard links): its blobs are shared by three files
        byte[] shared = new byte[3 << 20];
        random.nextBytes(shared);
        for (String name : List.of("d0/copy-a", "d1/copy-b", "copy-c")) {
            Files.write(src.resolve(name), shared);
        }
        List<String> before = FileTrees.describe(src.toString());

        Path dir = tmp.resolve("repo");
        Optional<char[]> password = Optional.of("secret".toCharArray());
        String id = BackupRepository.init(dir, password, TestDisks.fastKdf(), 3)
                .backupFiles("host1", List.of(src.toString()), "/", List.of(), 0, 1_000_000_000L, false).backup().id();
        CountingBackend counting = new CountingBackend(new LocalBackend(dir));
        BackupRepository repo = BackupRepository.open(dir, counting, password);
        int packs = counting.list(FileKind.PACK).size();
        assertThat(packs).as("the big file alone fills more than two packs").isGreaterThanOrEqualTo(3);

        counting.packReads.set(0);
        Path target = tmp.resolve("restored");
        FileRestoreResult restored = repo.restoreFiles(id, target.toString(), List.of(), false);

        assertThat(restored.complete()).isTrue();
        assertThat(restored.files()).isEqualTo(small + 4);
        assertThat(FileTrees.describe(target + src.toString())).containsExactlyElementsOf(before);
        // one read per tree (the root, read twice, each directory above src, src and its 3 directories), and per
        // batch of files at most one per pack: not one per blob (over 900)
        int trees = 2 + src.getNameCount() + 3;
        int batches = 2;
        assertThat(counting.packReads.get()).isLessThanOrEqualTo(trees + batches * packs);
    }

    @Test
    void aFileWhoseBlobsCannotBeReadIsNamedByItsPathInTheDamage() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src").resolve("a b").resolve("c"));
        Files.write(src.resolve("f1"), new byte[] {1, 2, 3});
        Files.write(src.getParent().resolve("f2"), new byte[] {4, 5});
        Path dir = tmp.resolve("repo");
        Optional<char[]> password = Optional.of("secret".toCharArray());
        String id = BackupRepository.init(dir, password, TestDisks.fastKdf(), 3)
                .backupFiles("host1", List.of(tmp.resolve("src").toString()), "/", List.of(), 0, 1_000_000_000L, false)
                .backup().id();
        // the workers read the files' blobs; the walk reads the trees: only the workers find the packs gone
        Backend packsGoneForWorkers = new CountingBackend(new LocalBackend(dir)) {
            @Override
            public void load(FileKind kind, String name, long offset, ByteBuffer dst) throws IOException {
                if (kind == FileKind.PACK && Thread.currentThread().getName().startsWith("restore-files")) {
                    throw new java.nio.file.NoSuchFileException(name);
                }
                super.load(kind, name, offset, dst);
            }
        };
        BackupRepository repo = BackupRepository.open(dir, packsGoneForWorkers, password);

        FileRestoreResult restored = repo.restoreFiles(id, tmp.resolve("restored").toString(), List.of(), false);

        // each file named by its whole path in the backup (made only for the message), once per missing piece
        assertThat(restored.damaged()).hasSize(2);
        assertThat(restored.damaged().get(0)).startsWith(src.getParent() + "/c/f1 bytes 0+3: blob ")
                .contains("is missing");
        assertThat(restored.damaged().get(1)).startsWith(src.getParent() + "/f2 bytes 0+2: blob ");
    }
}
