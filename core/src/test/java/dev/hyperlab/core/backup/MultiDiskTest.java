package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.raw.RawImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiDiskTest {
    @TempDir
    Path tmp;

    @Test
    void eachDiskFallsBackOnItsOwnAndEveryDiskRestores() throws IOException {
        Path vda = TestDisks.make(tmp.resolve("vda.raw"), 32 * TestDisks.MiB, 20, 1);
        Path vdb = TestDisks.make(tmp.resolve("vdb.raw"), 16 * TestDisks.MiB, 10, 2);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        MemoryTracker tracker = new MemoryTracker(Files.size(vda), 65536);
        try (TrackedImage a = new TrackedImage(RawImage.open(vda, false), tracker);
                RawImage b = RawImage.open(vdb, false)) {
            Map<String, Object> config = Map.of("name", "db1", "vcpus", 4, "disks", List.of("vda", "vdb"),
                    "firmware", Map.of("type", "uefi", "secureBoot", true));
            BackupSource source = new BackupSource("db1",
                    List.of(new SourceImage("vda", a, Optional.of(tracker)), new SourceImage("vdb", b)), config, 10);
            BackupResult first = repo.run(new FullStrategy(), source);
            assertThat(first.trackersRestarted()).containsExactly("vda");

            TestDisks.mutate(a, 6, 4096, 1);
            TestDisks.mutate(b, 6, 4096, 2);
            BackupSource later = new BackupSource("db1",
                    List.of(new SourceImage("vda", a, Optional.of(tracker)), new SourceImage("vdb", b)), config, 20);
            BackupResult second = repo.run(new IncrementalStrategy(), later);
            assertThat(second.backup().notes()).singleElement().asString()
                    .startsWith("disk vdb: no dirty bitmap").endsWith("full backup of it instead");
            assertThat(second.backup().parents()).containsExactly(first.id());
            assertThat(second.backup().disks()).extracting(BackupDisk::name).containsExactly("vda", "vdb");
            assertThat(repo.info(second.id()).config()).containsEntry("firmware", Map.of("type", "uefi",
                    "secureBoot", true));

            for (String disk : List.of("vda", "vdb")) {
                Path out = tmp.resolve(disk + ".out");
                assertThat(repo.restore(second.id(), disk, out).complete()).isTrue();
                assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk.equals("vda") ? vda : vdb));
            }
            assertThatThrownBy(() -> repo.restore(second.id(), "vdc", tmp.resolve("x")))
                    .hasMessageContaining("has no disk vdc (it has vda, vdb)");
        }
        assertThatThrownBy(() -> new BackupSource("db1", List.of(), Map.of(), 1)).hasMessageContaining("no disks");
        assertThatThrownBy(() -> new BackupSource("db1", List.of(new SourceImage("vda", RawImage.open(vda, true)),
                new SourceImage("vda", RawImage.open(vdb, true))), Map.of(), 1)).hasMessageContaining("two disks");
        assertThatThrownBy(() -> new BackupSource("db1", List.of(new SourceImage("vda", RawImage.open(vda, true))),
                Map.of("bad", new Object()), 1)).hasMessageContaining("cannot store a Object as JSON (at $.bad)");
    }
}
