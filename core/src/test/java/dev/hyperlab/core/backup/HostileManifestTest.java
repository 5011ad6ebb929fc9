package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.json.Json;
import dev.hyperlab.core.storage.raw.RawImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Manifests written by an attacker (issue 13, items 1 and 16): each is re-named by its own SHA-256, so only checks of
 * what it says can catch it. Every one is damage to {@code check}, and a restore refuses it before it creates or
 * writes anything.
 */
@Timeout(120)
class HostileManifestTest {
    @TempDir
    Path tmp;

    Path dir;
    BackupRepository repo;
    String id;

    @BeforeEach
    void setUp() throws IOException {
        Path vda = TestDisks.make(tmp.resolve("vda.raw"), 8 * TestDisks.MiB, 8, 3);
        Path vdb = TestDisks.make(tmp.resolve("vdb.raw"), 4 * TestDisks.MiB, 4, 4);
        dir = tmp.resolve("repo");
        repo = BackupRepository.init(dir, Optional.empty());
        id = repo.run(new FullStrategy(), new BackupSource("web1", List.of(
                new SourceImage("vda", RawImage.open(vda, true)), new SourceImage("vdb", RawImage.open(vdb, true))),
                Map.of("vcpus", 2), 1)).id();
    }

    static Stream<Arguments> hostileNames() {
        return Stream.of(
                Arguments.of("../../../../../../tmp/x/PWNED"),
                Arguments.of("../outside"),
                Arguments.of("/tmp/PWNED"),
                Arguments.of("a/b"),
                Arguments.of("a\\b"),
                Arguments.of(".."),
                Arguments.of("."),
                Arguments.of(""),
                Arguments.of("x".repeat(65)),
                Arguments.of("vd\u001b[2Ja"),
                Arguments.of("vd\na"),
                Arguments.of("vda")); // the other disk's name: two disks would be restored to one file
    }

    @ParameterizedTest(name = "disk name \"{0}\"")
    @MethodSource("hostileNames")
    void aHostileDiskNameIsDamageAndNothingIsRestored(String name) throws IOException {
        String forged = HostileRepos.editManifest(dir, id, m -> HostileRepos.disk(m, 1).put("name", name));

        assertDamaged(forged, "name");
        assertThat(repo.list()).noneMatch(b -> b.id().equals(forged));
        Path out = tmp.resolve("out.raw");
        assertThatThrownBy(() -> repo.restore(forged, "vda", out)).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("is damaged").hasMessageContaining("name").hasMessageNotContaining("\n")
                .hasMessageNotContaining("\u001b");
        assertThat(out).doesNotExist();
    }

    /** The crafted manifests of item 16 and their kin: sizes, pages and counts the disk map contradicts. */
    static Stream<Arguments> craftedManifests() {
        return Stream.of(
                Arguments.of("virtualSize 512", (Consumer<Map<String, Object>>) m ->
                        HostileRepos.disk(m, 0).put("virtualSize", 512L), "virtual size 512"),
                Arguments.of("an empty disk list", (Consumer<Map<String, Object>>) m ->
                        m.put("disks", new ArrayList<>()), "no disks"),
                Arguments.of("a negative size", (Consumer<Map<String, Object>>) m ->
                        HostileRepos.disk(m, 0).put("virtualSize", -8L * TestDisks.MiB), "size"),
                Arguments.of("a size past any disk", (Consumer<Map<String, Object>>) m ->
                        HostileRepos.disk(m, 0).put("virtualSize", Long.MAX_VALUE), "size"),
                Arguments.of("dataBytes not matching the map", (Consumer<Map<String, Object>>) m ->
                        HostileRepos.disk(m, 0).compute("dataBytes", (k, v) -> (Long) v + 4096), "data bytes"),
                Arguments.of("a negative dataBytes", (Consumer<Map<String, Object>>) m ->
                        HostileRepos.disk(m, 0).put("dataBytes", -1L), "data bytes"),
                Arguments.of("a piece count not matching the map", (Consumer<Map<String, Object>>) m ->
                        HostileRepos.disk(m, 0).compute("pieces", (k, v) -> (Long) v + 5), "pieces"),
                Arguments.of("a map page beyond the disk", (Consumer<Map<String, Object>>) m ->
                        HostileRepos.pages(m, 0).add(page(7, HostileRepos.pages(m, 0))), "page"),
                Arguments.of("a map page listed twice (overlapping extents)", (Consumer<Map<String, Object>>) m ->
                        HostileRepos.pages(m, 0).add(page(0, HostileRepos.pages(m, 0))), "page"),
                Arguments.of("a negative map page", (Consumer<Map<String, Object>>) m ->
                        HostileRepos.pages(m, 0).addFirst(page(-1, HostileRepos.pages(m, 0))), "page"));
    }

    /** A page entry with index {@code index} naming the same map blob as the first page of {@code pages}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> page(long index, List<Object> pages) {
        Map<String, Object> p = new LinkedHashMap<>((Map<String, Object>) pages.getFirst());
        p.put("index", index);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("craftedManifests")
    void aCraftedManifestIsDamageAndItsRestoreIsRefused(String what, Consumer<Map<String, Object>> edit,
            String word) throws IOException {
        String forged = HostileRepos.editManifest(dir, id, edit);

        assertDamaged(forged, word);
        Path out = tmp.resolve("out.raw");
        assertThatThrownBy(() -> repo.restore(forged, "vda", out)).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("damaged").hasMessageContaining(word);
        assertThat(out).doesNotExist();
    }

    /** Map pages no writer makes: overlapping pieces, a piece whose end overflows a long, data past the disk. */
    static Stream<Arguments> craftedPages() {
        return Stream.of(
                Arguments.of("overlapping pieces", (Consumer<List<Piece>>) pieces -> {
                    Piece p = pieces.getFirst();
                    pieces.add(1, new Piece(p.offset() + 1, p.length(), p.blob(), p.blobOffset()));
                }, "overlaps another"),
                Arguments.of("a piece whose end overflows", (Consumer<List<Piece>>) pieces -> {
                    Piece p = pieces.getLast();
                    pieces.add(new Piece(Long.MAX_VALUE - 10, p.length(), p.blob(), p.blobOffset()));
                }, "outside its GiB"),
                Arguments.of("data past the end of the disk", (Consumer<List<Piece>>) pieces -> {
                    Piece p = pieces.getLast();
                    pieces.add(new Piece(8 * TestDisks.MiB + 4096, p.length(), p.blob(), p.blobOffset()));
                }, "beyond its virtual size"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("craftedPages")
    void aMapPageNoWriterMakesIsDamageAndTheRestoreIsRefused(String what, Consumer<List<Piece>> edit, String word)
            throws IOException {
        String map = (String) ((Map<?, ?>) HostileRepos.pages(manifest(), 0).getFirst()).get("map");
        String crafted = HostileRepos.craftMapPage(dir, map, 0, edit);
        String forged = HostileRepos.editManifest(dir, id, m -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> page = (Map<String, Object>) HostileRepos.pages(m, 0).getFirst();
            page.put("map", crafted);
        });

        assertDamaged(forged, word);
        Path out = tmp.resolve("out.raw");
        assertThatThrownBy(() -> repo.restore(forged, "vda", out)).isInstanceOf(RepositoryException.class)
                .hasMessageContaining(word);
        assertThat(out).doesNotExist();
    }

    /** Containment holds on its own, whatever the manifest checks let through: no name leads out of the directory. */
    @ParameterizedTest(name = "disk name \"{0}\"")
    @MethodSource("hostileNames")
    void aRestoreFileIsAlwaysInsideItsDirectory(String name) throws IOException {
        Path target = tmp.resolve("restore");
        if (name.equals("vda")) {
            assertThat(RestoreFiles.fileIn(target, name, ".raw")).isEqualTo(target.resolve("vda.raw"));
            return;
        }
        assertThatThrownBy(() -> RestoreFiles.fileIn(target, name, ".raw")).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("refusing to restore").hasMessageNotContaining("\n");
    }

    @Test
    void aRestoreNeverFollowsASymlinkOutOfItsTarget() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path target = Files.createDirectories(tmp.resolve("restore"));
        Path link = target.resolve("vda.raw");
        Files.createSymbolicLink(link, outside.resolve("PWNED.raw")); // dangling: a restore would create its target
        assertThatThrownBy(() -> repo.restore(id, "vda", link)).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("already exists");
        assertThat(outside.resolve("PWNED.raw")).doesNotExist();
        assertThat(Files.isSymbolicLink(link)).isTrue();

        Path victim = Files.writeString(outside.resolve("victim"), "keep me");
        Path link2 = target.resolve("vdb.raw");
        Files.createSymbolicLink(link2, victim);
        assertThatThrownBy(() -> repo.restore(id, "vdb", link2)).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("already exists");
        assertThat(Files.readString(victim)).isEqualTo("keep me");
    }

    /** The untouched backup still restores: the checks refuse what is wrong, not what is unusual. */
    @Test
    void theGenuineBackupPassesEveryCheck() throws IOException {
        assertThat(repo.check(true).ok()).isTrue();
        assertThat(repo.restore(id, "vda", tmp.resolve("vda.out")).complete()).isTrue();
        assertThat(TestDisks.sha256(tmp.resolve("vda.out"))).isEqualTo(TestDisks.sha256(tmp.resolve("vda.raw")));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> manifest() throws IOException {
        return (Map<String, Object>) Json.parse(Files.readAllBytes(dir.resolve("backups").resolve(id)), "manifest");
    }

    private void assertDamaged(String forged, String word) throws IOException {
        BackupCheckReport report = repo.check(false);
        assertThat(report.ok()).isFalse();
        assertThat(report.damagedBackups()).contains(forged);
        assertThat(report.errors()).anyMatch(e -> e.contains(forged.substring(0, 8)) && e.contains(word))
                .allMatch(e -> !e.contains("\n") && !e.contains("\u001b"));
    }
}
