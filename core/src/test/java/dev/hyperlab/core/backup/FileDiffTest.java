package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup diff}: between two file backups, each kind of difference restic diff names (added, removed, content
 * modified, metadata only, type) is listed once, in path order, and nothing else is: not a file whose change time and
 * inode moved while it stayed the same (a copy, a restore), nor what an unchanged subtree holds.
 */
class FileDiffTest {
    @TempDir
    Path tmp;

    private long time = 1_700_000_000_000_000_000L;

    private String backup(BackupRepository repo, Path path) throws IOException {
        time += 1_000_000_000L;
        return repo.backupFiles("host1", List.of(path.toString()), "/", List.of(), 0, time, false).backup().id();
    }

    private static String line(FileChange c) {
        String letter = switch (c.kind()) {
            case ADDED -> "+";
            case REMOVED -> "-";
            case MODIFIED -> "M";
            case METADATA -> "U";
            case TYPE -> "T";
        };
        return letter + " " + c.path() + " " + c.type();
    }

    @Test
    void listsEachKindOfDifferenceOnceInPathOrder() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path same = Files.createDirectories(src.resolve("same"));
        Files.writeString(same.resolve("a.txt"), "unchanged\n");
        Files.writeString(src.resolve("edited.txt"), "version 1\n");
        Files.writeString(src.resolve("chmod.sh"), "#!/bin/sh\n");
        Files.writeString(src.resolve("gone.txt"), "bye\n");
        Path old = Files.createDirectories(src.resolve("old-dir"));
        Files.writeString(old.resolve("inside.txt"), "in a removed directory\n");
        Files.writeString(src.resolve("becomes-dir"), "a file first\n");
        Files.writeString(src.resolve("recopied.txt"), "same bytes, new inode\n");
        Files.createSymbolicLink(src.resolve("link"), Path.of("edited.txt"));
        byte[] big = new byte[2 << 20];
        new SplittableRandom(3).nextBytes(big);
        Files.write(src.resolve("big.bin"), big);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty(), TestDisks.fastKdf(), 3);
        String first = backup(repo, src);

        Files.writeString(src.resolve("edited.txt"), "version 2\n");
        Files.setPosixFilePermissions(src.resolve("chmod.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.delete(src.resolve("gone.txt"));
        Files.delete(old.resolve("inside.txt"));
        Files.delete(old);
        Files.delete(src.resolve("becomes-dir"));
        Files.writeString(Files.createDirectories(src.resolve("becomes-dir")).resolve("x"), "now a directory\n");
        FileTime mtime = Files.getLastModifiedTime(src.resolve("recopied.txt"));
        Files.delete(src.resolve("recopied.txt"));
        Files.setLastModifiedTime(Files.writeString(src.resolve("recopied.txt"), "same bytes, new inode\n"), mtime);
        Files.delete(src.resolve("link"));
        Files.createSymbolicLink(src.resolve("link"), Path.of("chmod.sh"));
        Files.writeString(src.resolve("new \n name.txt"), "new\n");
        big[1 << 20] ^= 1; // one byte: the chunk around it is new, the rest shared
        FileTime bigTime = Files.getLastModifiedTime(src.resolve("big.bin"));
        Files.write(src.resolve("big.bin"), big);
        Files.setLastModifiedTime(src.resolve("big.bin"), bigTime); // content, not times, says it was modified
        String second = backup(repo, src);

        FileDiffResult d = repo.diffFiles(first.substring(0, 8), "latest");
        assertThat(d.from()).isEqualTo(first);
        assertThat(d.to()).isEqualTo(second);
        String s = src.toString();
        // the src directory's own modification time moved (entries added and removed): U on it and on each parent
        // whose entries changed, as restic marks them
        // (the directories above src are in both backups too; other processes may touch /tmp meanwhile)
        assertThat(d.changes()).filteredOn(c -> c.path().startsWith(s)).map(FileDiffTest::line).containsExactly(
                "U " + s + " directory",
                "T " + s + "/becomes-dir directory",
                "+ " + s + "/becomes-dir/x file",
                "M " + s + "/big.bin file",
                "U " + s + "/chmod.sh file",
                "M " + s + "/edited.txt file",
                "- " + s + "/gone.txt file",
                "M " + s + "/link symlink",
                "+ " + s + "/new \\x0a name.txt file",
                "- " + s + "/old-dir directory",
                "- " + s + "/old-dir/inside.txt file");
        // one chunk of big.bin, "version 2\n", "now a directory\n" and "new\n" on one side; their counterparts on the
        // other (one chunk of big.bin is at most its 2 MiB)
        assertThat(d.bytesAdded()).isGreaterThan(25).isLessThanOrEqualTo((2 << 20) + 100);
        assertThat(d.bytesRemoved()).isGreaterThan(25).isLessThanOrEqualTo((2 << 20) + 100);

        FileDiffResult none = repo.diffFiles(second, second);
        assertThat(none.changes()).isEmpty();
        assertThat(none.bytesAdded()).isZero();
        // the other way round, added and removed change places
        assertThat(repo.diffFiles(second, first).changes()).map(FileDiffTest::line)
                .contains("+ " + s + "/gone.txt file", "- " + s + "/new \\x0a name.txt file",
                        "T " + s + "/becomes-dir file", "- " + s + "/becomes-dir/x file");
    }

    @Test
    void aDiskBackupOrAnUnknownIdIsAOneLineErrorThatChangesNothing() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("f"), "x".getBytes(StandardCharsets.UTF_8));
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty(), TestDisks.fastKdf(), 3);
        String files = backup(repo, src);
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 8 * TestDisks.MiB, 4, 3);
        String vm = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 1)).id();
        assertThatThrownBy(() -> repo.diffFiles(files, vm)).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("is a backup of VM web1's disks, not of files");
        assertThatThrownBy(() -> repo.diffFiles("zz", files)).hasMessageStartingWith("bad backup id: zz");
        assertThatThrownBy(() -> repo.diffFiles(files, "abcdef")).hasMessageContaining("no backup abcdef");
        assertThat(repo.check(true).ok()).isTrue();
        assertThat(repo.list()).hasSize(2);
    }
    /** A directory entry named {@code name} whose tree is {@code subtree}; {@code ctime} is not compared by a diff. */
    private static TreeNode dir(String name, ObjectId subtree, long ctime) {
        return new TreeNode(name.getBytes(StandardCharsets.UTF_8), dev.hyperlab.core.hostfs.FileType.DIRECTORY, 0755,
                0, 0, "root", "root", 1, 0, ctime, 0, 0, 1, 1, 2, 0, new byte[0], List.of(), List.of(), subtree);
    }

    /**
     * Hostile trees: 60 levels, each a directory of two entries naming the same tree below (a few bytes to store, 2^60
     * paths to walk), on both sides, differing only at the bottom in what a diff does not compare. Walked path by path
     * this would never end; pairs found alike are walked once.
     */
    @Test
    void sharedTreesDifferingInNothingComparedAreWalkedOncePerPair() throws IOException {
        java.util.Map<ObjectId, List<TreeNode>> store = new java.util.HashMap<>();
        ObjectId[] side = new ObjectId[2];
        for (int s = 0; s < 2; s++) {
            ObjectId below = ObjectId.sha256(("leaf" + s).getBytes(StandardCharsets.UTF_8));
            store.put(below, List.of(dir("d", ObjectId.sha256("empty".getBytes(StandardCharsets.UTF_8)), 100 + s)));
            for (int level = 0; level < 60; level++) {
                ObjectId id = ObjectId.sha256(("side " + s + " level " + level).getBytes(StandardCharsets.UTF_8));
                store.put(id, List.of(dir("x", below, 1), dir("y", below, 1)));
                below = id;
            }
            side[s] = below;
        }
        store.put(ObjectId.sha256("empty".getBytes(StandardCharsets.UTF_8)), List.of());
        int[] loads = {0};
        FileDiffs.TreeLoader loader = id -> {
            loads[0]++;
            return store.get(id);
        };
        FileDiffResult d = FileDiffs.diff(loader, "a", side[0], "b", side[1]);
        assertThat(d.changes()).isEmpty();
        assertThat(loads[0]).isLessThanOrEqualTo(2 * 62);
    }

    @Test
    void aRemovedTreeOfMoreEntriesThanCanBeListedIsRefused() {
        java.util.Map<ObjectId, List<TreeNode>> store = new java.util.HashMap<>();
        ObjectId below = ObjectId.sha256("empty".getBytes(StandardCharsets.UTF_8));
        store.put(below, List.of());
        for (int level = 0; level < 25; level++) { // 2^26 - 2 entries below the top
            ObjectId id = ObjectId.sha256(("level " + level).getBytes(StandardCharsets.UTF_8));
            store.put(id, List.of(dir("x", below, 1), dir("y", below, 1)));
            below = id;
        }
        ObjectId top = below;
        assertThatThrownBy(() -> FileDiffs.diff(store::get, "a", top, "b", null))
                .isInstanceOf(RepositoryException.class)
                .hasMessage("more than 1000000 entries differ between these backups: too many to list");
    }
}
