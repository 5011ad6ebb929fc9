package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small chunks go to the workers in batches (issue 18: a file backup's many small files): what is stored must be
 * exactly what one slot per chunk stores, pack for pack and piece for piece.
 */
class BackupPipelineBatchTest {
    @TempDir
    Path tmp;

    /** What one run stored: its packs (names and entries), the packs' bytes, and each sink's pieces. */
    private record Stored(SortedMap<ObjectId, List<PackFormat.Entry>> packs, List<String> files,
            List<List<Piece>> pieces, long blobs, long bytesRead) {}

    @Test
    void batchedSmallChunksStoreTheSamePacksAndPiecesAsOneSlotEach() throws IOException {
        Stored batched = run(tmp.resolve("batched"), true);
        Stored single = run(tmp.resolve("single"), false);
        assertThat(batched.packs()).hasSizeGreaterThan(3);
        assertThat(batched.packs()).isEqualTo(single.packs());
        assertThat(batched.files()).isEqualTo(single.files());
        assertThat(batched.pieces()).isEqualTo(single.pieces());
        assertThat(batched.blobs()).isEqualTo(single.blobs());
        assertThat(batched.bytesRead()).isEqualTo(single.bytesRead());
        // the zero chunk is a hole in both: no piece
        assertThat(batched.pieces().get(ZERO_SINK)).isEmpty();
    }

    private static final int SINKS = 40;
    private static final int ZERO_SINK = 7;

    private static Stored run(Path dir, boolean batch) throws IOException {
        LocalBackend.createLayout(dir);
        LocalBackend backend = new LocalBackend(dir);
        RepositoryIndex index = RepositoryIndex.load(backend, RepositoryCipher.plain());
        List<List<Piece>> pieces = new ArrayList<>();
        for (int i = 0; i < SINKS; i++) {
            pieces.add(new ArrayList<>());
        }
        SortedMap<ObjectId, List<PackFormat.Entry>> packs;
        long blobs;
        long read;
        try (BlobCodec codec = new BlobCodec(RepositoryCipher.plain(), 3);
                BackupPipeline pipeline = new BackupPipeline(backend, index, codec, 256 << 10)) {
            if (!batch) {
                pipeline.batchBelow = 0;
            }
            SplittableRandom r = new SplittableRandom(18);
            byte[] src = new byte[200 << 10];
            byte[] earlier = null;
            for (int n = 0; n < 600; n++) {
                int sinkNo = n % SINKS;
                List<Piece> sink = pieces.get(sinkNo);
                int len = n % 50 == 49 ? 70_000 + r.nextInt(100_000) : 1 + r.nextInt(n % 3 == 0 ? 60_000 : 3_000);
                if (sinkNo == ZERO_SINK) {
                    Arrays.fill(src, 0, len, (byte) 0);
                } else if (n % 11 == 5 && earlier != null) {
                    len = earlier.length; // a chunk seen before: stored once
                    System.arraycopy(earlier, 0, src, 0, len);
                } else {
                    for (int i = 0; i < len; i++) {
                        src[i] = (byte) (r.nextInt(n % 2 == 0 ? 4 : 256)); // compressible and not
                    }
                    if (len < 60_000) {
                        earlier = Arrays.copyOf(src, len);
                    }
                }
                int at = 0;
                pipeline.submit(sink::add, n * 1_000_000L, src, at, len);
                if (n % 37 == 36) {
                    byte[] meta = ("tree " + n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    pipeline.ordered(() -> pipeline.storeMeta(BlobType.TREE, meta));
                }
            }
            packs = pipeline.finish();
            blobs = pipeline.blobsAdded();
            read = pipeline.bytesRead();
        }
        List<String> files = new ArrayList<>();
        for (ObjectId id : packs.keySet()) {
            byte[] bytes = Files.readAllBytes(dir.resolve(FileKind.PACK.dir()).resolve(id.hex().substring(0, 2))
                    .resolve(id.hex()));
            files.add(id.hex() + " " + Arrays.hashCode(bytes) + " " + bytes.length);
        }
        return new Stored(new TreeMap<>(packs), files, pieces, blobs, read);
    }
}
