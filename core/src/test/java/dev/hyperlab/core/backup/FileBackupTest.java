package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.hostfs.DirEntry;
import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.HostFs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File backups of this machine's files: what is restored is what was backed up (content, holes, permissions, owners,
 * times, symbolic and hard links, FIFOs, extended attributes, names that are not UTF-8), a second backup reads only
 * what changed, files and disks share blobs, and the faults of a live system (files vanishing or growing while read,
 * link loops) and bad or hostile input (an existing target, a symbolic link in the target, a tree naming "..") are
 * reported and change nothing they must not.
 */
class FileBackupTest {
    private static final byte[] NOT_UTF8 = {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, '.', 't', 'x', 't'};
    private static final byte[] NEWLINE = "two\nlines".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private long time = 1_700_000_000_000_000_000L;

    private BackupRepository repo(boolean encrypted) throws IOException {
        return BackupRepository.init(tmp.resolve("repo"),
                encrypted ? Optional.of("secret".toCharArray()) : Optional.empty(), TestDisks.fastKdf(), 3);
    }

    private FileBackupResult backup(BackupRepository repo, Path path, String... excludes) throws IOException {
        time += 1_000_000_000L;
        return repo.backupFiles("host1", List.of(path.toString()), "/", List.of(excludes), 0, time, false);
    }

    /** A tree with every kind of entry a file backup keeps. */
    private Path sampleTree() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path docs = Files.createDirectories(src.resolve("docs"));
        Files.writeString(docs.resolve("readme.txt"), "hello\n");
        Files.write(docs.resolve("empty"), new byte[0]);
        byte[] random = new byte[3 << 20];
        new SplittableRandom(7).nextBytes(random);
        Files.write(src.resolve("random.bin"), random);
        Files.createLink(src.resolve("hardlink.bin"), src.resolve("random.bin"));
        try (RandomAccessFile f = new RandomAccessFile(src.resolve("sparse.img").toFile(), "rw")) {
            f.setLength(64L << 20);
            f.seek(10L << 20);
            f.write(random, 0, 100_000);
            f.seek((64L << 20) - 5);
            f.write(new byte[] {1, 2, 3, 4, 5});
        }
        Files.createSymbolicLink(src.resolve("link-to-readme"), Path.of("docs/readme.txt"));
        Files.createSymbolicLink(src.resolve("dangling"), Path.of("/nonexistent/target"));
        Path script = Files.writeString(src.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(docs, PosixFilePermissions.fromString("rwxr-x--x"));
        UserDefinedFileAttributeView x = Files.getFileAttributeView(docs.resolve("readme.txt"),
                UserDefinedFileAttributeView.class);
        x.write("hyperlab.test", ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff}));
        try (HostFs fs = HostFs.open()) {
            int dir = fs.openDirectory(HostFs.CWD, src.toString().getBytes(StandardCharsets.UTF_8), "src");
            try {
                fs.close(fs.createFile(dir, NOT_UTF8, 0644, "create"));
                fs.close(fs.createFile(dir, NEWLINE, 0600, "create"));
                fs.mknod(dir, "fifo".getBytes(StandardCharsets.UTF_8), FileType.FIFO, 0640, 0, "mknod");
            } finally {
                fs.close(dir);
            }
        }
        if (root()) {
            Files.setAttribute(src.resolve("run.sh"), "unix:uid", 1234);
            Files.setAttribute(src.resolve("run.sh"), "unix:gid", 5678);
        }
        // times with nanoseconds, set last (bottom up: creating entries moves a directory's time)
        Files.setLastModifiedTime(docs.resolve("readme.txt"), FileTime.from(Instant.parse("2001-02-03T04:05:06.123456789Z")));
        Files.setLastModifiedTime(docs, FileTime.from(Instant.parse("2010-01-01T00:00:00.5Z")));
        Files.setLastModifiedTime(src, FileTime.from(Instant.parse("2020-06-07T08:09:10.000000001Z")));
        return src;
    }

    /** Writes {@code files} (path, permissions in octal, uid, gid: the owners only when {@code root}) below src. */
    private static void writeFiles(Path src, String[][] files, boolean root) throws IOException {
        for (String[] f : files) {
            Path p = src.resolve(f[0]);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f[0]);
            if (root) {
                Files.setAttribute(p, "unix:uid", Integer.parseInt(f[2]));
                Files.setAttribute(p, "unix:gid", Integer.parseInt(f[3]));
            }
            Files.setAttribute(p, "unix:mode", Integer.parseInt(f[1], 8));
            Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
        }
    }

    static boolean root() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    private List<String> restoredBelow(Path target, Path src) throws IOException {
        return FileTrees.describe(target + src.toString());
    }

    @Test
    void restoresEveryKindOfEntryWithItsMetadata() throws IOException {
        for (boolean encrypted : new boolean[] {false, true}) {
            Path src = sampleTree();
            List<String> before = FileTrees.describe(src.toString());
            BackupRepository repo = repo(encrypted);
            FileBackupResult r = backup(repo, src);
            assertThat(r.warnings()).isEmpty();
            assertThat(r.backup().isFiles()).isTrue();
            assertThat(r.backup().files().files()).isEqualTo(8); // readme, empty, random, its hard link, sparse, run.sh, 2 odd names
            assertThat(repo.check(true).errors()).isEmpty();

            Path target = tmp.resolve("restored");
            FileRestoreResult restored = repo.restoreFiles(r.backup().id().substring(0, 8), target.toString(),
                    List.of(), false);
            assertThat(restored.complete()).isTrue();
            assertThat(restored.links()).isEqualTo(1);
            assertThat(restoredBelow(target, src)).containsExactlyElementsOf(before);
            assertThat(FileTrees.describe(src.toString())).as("the backup changed nothing").isEqualTo(before);
            // the sparse file stays sparse: holes are not written
            assertThat(TestDisks.allocated(Path.of(target + src.toString(), "sparse.img"))).isLessThan(4L << 20);

            // names that are not text are listed with \xNN escapes and restored byte for byte
            List<FileListing> ls = repo.listFiles(r.backup().id(), src.toString(), false);
            assertThat(ls).extracting(FileListing::path).contains(src + "/bad\\xff\\xfe.txt",
                    src + "/two\\x0alines");
            assertThat(names(target + src.toString())).contains(new String(NOT_UTF8, StandardCharsets.ISO_8859_1),
                    new String(NEWLINE, StandardCharsets.ISO_8859_1));
            clean(List.of(src, target, tmp.resolve("repo")));
        }
    }

    /**
     * A restore skips fchown and fchmod where the kernel already gave a new file its owner, group and permissions:
     * files of other owners (run as root), of the group a set-group-id target hands down, and with set-id or unusual
     * permission bits, in either order within a directory (the first file created in a directory shows what the
     * kernel gives there), still get all of theirs.
     */
    @Test
    void everyFileGetsItsOwnerGroupAndPermissionsWhateverTheKernelGaveItWhenCreated() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("owners"));
        boolean root = root();
        String[][] files = {
            // directory/name, permissions (octal), uid, gid (the owners only when run as root)
            {"a-top", "644", "0", "0"}, // shows what the kernel gives an entry made in the top (so mine/ too)
            {"mine/a-root", "644", "0", "0"}, {"mine/b-other", "640", "1234", "5678"},
            {"mine/c-setuid", "4755", "0", "0"}, {"mine/d-readonly", "444", "0", "0"},
            {"mine/e-odd", "604", "0", "0"}, {"mine/f-group", "664", "0", "4321"},
            {"theirs/a-other", "600", "1234", "5678"}, {"theirs/b-root", "755", "0", "0"},
            {"theirs/c-group", "664", "0", "4321"}, {"theirs/d-none", "000", "0", "0"},
            {"group/a-group", "644", "0", "4321"}, {"group/b-root", "644", "0", "0"},
        };
        writeFiles(src, files, root);
        if (root) {
            Files.setAttribute(src.resolve("theirs"), "unix:uid", 1234);
        }
        List<String> before = FileTrees.describe(src.toString());
        BackupRepository repo = repo(false);
        FileBackupResult r = backup(repo, src);

        Path target = tmp.resolve("restored");
        FileRestoreResult restored = repo.restoreFiles(r.backup().id(), target.toString(), List.of(), false);
        assertThat(restored.complete()).isTrue();
        assertThat(restored.warnings()).isEmpty();
        assertThat(restoredBelow(target, src)).containsExactlyElementsOf(before);
        if (root) {
            // into a set-group-id directory of group 4321: the directories made below it hand that group down, so
            // the kernel gives it to new files; those to be of group 0 still get theirs
            Path sgid = Files.createDirectories(tmp.resolve("sgid"));
            Files.setAttribute(sgid, "unix:gid", 4321);
            Files.setAttribute(sgid, "unix:mode", 02775);
            Path into = sgid.resolve("restored");
            repo.restoreFiles(r.backup().id(), into.toString(), List.of(), false);
            assertThat(restoredBelow(into, src)).containsExactlyElementsOf(before);

            // a directory the restore made has the owner the kernel gave it (no fchown when that is the backup's),
            // but one it found in the target (overwrite) has whatever owner it had: it gets the backup's
            Path mine = Path.of(target + src.toString(), "mine");
            Files.setAttribute(mine, "unix:uid", 555);
            Files.setAttribute(mine, "unix:gid", 777);
            repo.restoreFiles(r.backup().id(), target.toString(), List.of(), true);
            assertThat(restoredBelow(target, src)).containsExactlyElementsOf(before);
        }
    }

    /**
     * Directories the restore makes below one whose files showed what the kernel gives a new file take that knowledge
     * over instead of asking the kernel again (no statx, flistxattr, fchmod, fchown for their first file): so owners,
     * groups and permissions must still come out right through directories without files of their own, into a
     * set-group-id directory, and below a default ACL (which masks new files' permissions where the umask does not).
     */
    @Test
    void directoriesMadeBelowOthersTakeOverWhatTheKernelGivesNewFilesThere() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("deep"));
        boolean root = root();
        String[][] files = {
            // path, permissions (octal), uid, gid (the owners only when run as root)
            // ("0-" sorts before the directories: a/0-f1 is created first and shows what a/ gives, which a/b/c/
            // takes over through b/, which has no file)
            {"a/0-f1", "644", "0", "0"}, {"a/b/c/0-f2", "444", "0", "0"}, {"a/b/c/0-f3", "640", "1234", "5678"},
            {"a/b/c/d/0-f4", "4755", "0", "0"}, {"a/b/c/d/0-f5", "664", "0", "4321"}, {"a/b/c/d/0-f6", "644", "0", "0"},
            {"a/b/e/0-f7", "604", "0", "0"}, {"a/b/e/0-f8", "666", "0", "0"},
        };
        writeFiles(src, files, root);
        Files.setAttribute(src.resolve("a/b/e"), "unix:mode", 0555);
        List<String> before = FileTrees.describe(src.toString());
        BackupRepository repo = repo(false);
        FileBackupResult r = backup(repo, src);

        Path plain = tmp.resolve("plain");
        assertThat(repo.restoreFiles(r.backup().id(), plain.toString(), List.of(), false).complete()).isTrue();
        assertThat(restoredBelow(plain, src)).containsExactlyElementsOf(before);

        // below a default ACL (owner rwx, group r-x, others nothing): new files lose the others' bits whatever the
        // umask, and every directory made below it has the same default ACL
        Path acl = Files.createDirectories(tmp.resolve("acl"));
        boolean aclSet;
        try (HostFs fs = HostFs.open()) {
            int fd = fs.openDirectory(HostFs.CWD, acl.toString().getBytes(StandardCharsets.UTF_8), "acl");
            try {
                ByteBuffer b = ByteBuffer.allocate(4 + 3 * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                b.putInt(2); // version
                b.putShort((short) 0x01).putShort((short) 7).putInt(-1); // user::rwx
                b.putShort((short) 0x04).putShort((short) 5).putInt(-1); // group::r-x
                b.putShort((short) 0x20).putShort((short) 0).putInt(-1); // other::---
                fs.setXattr(fd, "system.posix_acl_default".getBytes(StandardCharsets.US_ASCII), b.array(), "acl");
                aclSet = true;
            } catch (dev.hyperlab.core.hostfs.PosixException e) {
                aclSet = false; // a file system without ACLs
            } finally {
                fs.close(fd);
            }
        }
        if (aclSet) {
            Path into = acl.resolve("restored");
            assertThat(repo.restoreFiles(r.backup().id(), into.toString(), List.of(), false).complete()).isTrue();
            // the directories carry the inherited default ACL besides the backup's attributes: compare the files
            assertThat(restoredBelow(into, src).stream().filter(l -> l.contains(" FILE ")).toList())
                    .containsExactlyElementsOf(before.stream().filter(l -> l.contains(" FILE ")).toList())
                    .hasSize(files.length);
        }
        if (root) {
            Path sgid = Files.createDirectories(tmp.resolve("sgid"));
            Files.setAttribute(sgid, "unix:gid", 4321);
            Files.setAttribute(sgid, "unix:mode", 02775);
            Path into = sgid.resolve("restored");
            assertThat(repo.restoreFiles(r.backup().id(), into.toString(), List.of(), false).complete()).isTrue();
            assertThat(restoredBelow(into, src)).containsExactlyElementsOf(before);
        }
    }

    /**
     * Two path sets backed up in turn (/etc nightly, /home hourly) each take their own last backup as parent, as
     * restic picks one: with the host's newest backup of any paths as parent, every run read everything again.
     */
    @Test
    void theParentIsTheNewestBackupOfTheSamePaths() throws IOException {
        Path a = Files.createDirectories(tmp.resolve("sets/a"));
        Path b = Files.createDirectories(tmp.resolve("sets/b"));
        Files.write(a.resolve("fa"), new byte[300_000]);
        Files.writeString(b.resolve("fb"), "b".repeat(200_000));
        BackupRepository repo = repo(false);
        FileBackupResult a1 = backup(repo, a);
        FileBackupResult b1 = backup(repo, b);
        FileBackupResult a2 = backup(repo, a);
        FileBackupResult b2 = backup(repo, b);
        assertThat(a2.backup().parents()).containsExactly(a1.backup().id());
        assertThat(b2.backup().parents()).containsExactly(b1.backup().id());
        assertThat(a2.bytesRead()).isZero();
        assertThat(b2.bytesRead()).isZero();
        assertThat(b2.backup().files().unchangedFiles()).isEqualTo(1);

        // paths never backed up before: the newest backup of any paths is the parent (it may share some)
        FileBackupResult both = repo.backupFiles("host1", List.of(a.toString(), b.toString()), "/", List.of(), 0,
                time += 1_000_000_000L, false);
        assertThat(both.backup().parents()).containsExactly(b2.backup().id());
    }

    /**
     * A damaged index file leaves its packs intact: ls and restore read the headers of the packs no readable index
     * lists, as a disk restore and check do (they said "blob ... is missing: no index lists it", while check called
     * every backup restorable).
     */
    @Test
    void aDamagedIndexFileDoesNotHideAFileBackup() throws IOException {
        Path src = sampleTree();
        List<String> before = FileTrees.describe(src.toString());
        BackupRepository repo = repo(true);
        FileBackupResult r = backup(repo, src);
        Path indexFile = RepoFiles.under(tmp.resolve("repo"), "index").getFirst();
        try (RandomAccessFile f = new RandomAccessFile(indexFile.toFile(), "rw")) {
            f.seek(20);
            int b = f.read();
            f.seek(20);
            f.write(b ^ 1);
        }
        assertThat(repo.listFiles(r.backup().id(), src.toString(), false)).isNotEmpty();
        Path into = tmp.resolve("from-packs");
        FileRestoreResult restored = repo.restoreFiles(r.backup().id(), into.toString(), List.of(), false);
        assertThat(restored.complete()).isTrue();
        assertThat(restored.warnings()).anyMatch(w -> w.contains("no readable index file lists")
                && w.contains("backup repair index writes a new index"));
        assertThat(restoredBelow(into, src)).containsExactlyElementsOf(before);
    }

    /**
     * A lost index file hides nothing either: ls and restore find the blobs in the packs no index lists, and check
     * says the index needs repair, not that the backups are damaged (it advised forgetting both, whose data was
     * intact). The second backup's own index file stays, so only the first's packs are unindexed.
     */
    @Test
    void aLostIndexFileDoesNotHideAFileBackupNorMakeItDamaged() throws IOException {
        Path src = sampleTree();
        BackupRepository repo = repo(false);
        FileBackupResult first = backup(repo, src);
        List<Path> firstIndex = RepoFiles.under(tmp.resolve("repo"), "index");
        Files.writeString(src.resolve("added.txt"), "new in the second backup\n");
        FileBackupResult second = backup(repo, src);
        List<String> before = FileTrees.describe(src.toString());
        Files.delete(firstIndex.getFirst());

        assertThat(repo.listFiles(second.backup().id(), src.toString(), false)).isNotEmpty();
        assertThat(repo.diffFiles(first.backup().id(), second.backup().id()).changes()).isNotEmpty();
        Path into = tmp.resolve("lost-index");
        FileRestoreResult restored = repo.restoreFiles(second.backup().id(), into.toString(), List.of(), false);
        assertThat(restored.complete()).isTrue();
        assertThat(restored.warnings()).anyMatch(w -> w.contains("backup repair index"));
        assertThat(restoredBelow(into, src)).containsExactlyElementsOf(before);

        BackupCheckReport check = repo.check(false);
        assertThat(check.damagedBackups()).isEmpty();
        assertThat(check.indexNeedsRepair()).isTrue();
        repo.repairIndex(false);
        assertThat(repo.check(true).errors()).isEmpty();
    }

    /** A dry run counts what a backup reads of a sparse file (its data), not its length. */
    @Test
    void aDryRunCountsASparseFilesDataNotItsLength() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("sparse-src"));
        try (RandomAccessFile f = new RandomAccessFile(src.resolve("disk.img").toFile(), "rw")) {
            f.setLength(64L << 20);
            f.seek(32L << 20);
            f.write(new byte[4096]); // zeros, yet written: allocated
            f.seek(32L << 20);
            f.write("data".getBytes(StandardCharsets.US_ASCII));
        }
        BackupRepository repo = repo(false);
        FileBackupResult planned = repo.backupFiles("host1", List.of(src.toString()), "/", List.of(), 0,
                time += 1_000_000_000L, true);
        FileBackupResult done = backup(repo, src);
        assertThat(planned.bytesToRead()).isLessThan(1L << 20).isGreaterThanOrEqualTo(done.bytesRead());
    }

    @Test
    void secondBackupReadsOnlyWhatChangedAndRestoresTheNewState() throws IOException {
        Path src = sampleTree();
        BackupRepository repo = repo(false);
        FileBackupResult first = backup(repo, src);
        assertThat(first.bytesRead()).isGreaterThan(3L << 20);

        FileBackupResult same = backup(repo, src);
        assertThat(same.bytesRead()).isZero();
        // the tree of / may be new: /tmp above the tree is moved by other processes
        assertThat(same.backup().bytesAdded()).isLessThan(2048);
        assertThat(same.backup().files().unchangedFiles()).isEqualTo(same.backup().files().files());
        assertThat(same.backup().parents()).containsExactly(first.backup().id());

        Files.writeString(src.resolve("docs/readme.txt"), "more\n", StandardOpenOption.APPEND);
        Files.writeString(src.resolve("new.txt"), "new file\n");
        List<String> now = FileTrees.describe(src.toString());
        FileBackupResult third = backup(repo, src);
        assertThat(third.bytesRead()).isEqualTo(6 + 5 + 9);
        assertThat(third.backup().files().changedFiles()).isEqualTo(1);
        assertThat(third.backup().files().newFiles()).isEqualTo(1);

        Path target = tmp.resolve("restored");
        repo.restoreFiles(third.backup().id(), target.toString(), List.of(), false);
        assertThat(restoredBelow(target, src)).containsExactlyElementsOf(now);
        assertThat(repo.check(true).errors()).isEmpty();
    }

    /**
     * Directories {@code aA/bB} below {@code tmp/name}, each with a file {@code f} ("same" in every third, so equal
     * subtrees share a tree id) and, {@code links}, a symbolic link {@code l} to it.
     */
    private Path grid(String name, int as, int bs, boolean links) throws IOException {
        Path src = Files.createDirectories(tmp.resolve(name));
        for (int a = 0; a < as; a++) {
            for (int b = 0; b < bs; b++) {
                Path d = Files.createDirectories(src.resolve("a" + a + "/b" + b));
                Files.writeString(d.resolve("f"), b % 3 == 0 ? "same" : "file " + a + "/" + b);
                if (links) {
                    Files.createSymbolicLink(d.resolve("l"), Path.of("f"));
                }
            }
        }
        return src;
    }

    @Test
    void aSecondBackupOfADeepTreeKeepsUnchangedTreesAndSeesEveryChange() throws IOException {
        // more directories than the trees loaded ahead of the walk (Prefetch.MAX_AHEAD), three levels, identical
        // subtrees (same tree id in many places), and between the backups: an exclude, a change, a removal, a link
        Path src = grid("deep", 12, 100, false);
        BackupRepository repo = repo(true);
        FileBackupResult first = backup(repo, src);
        FileBackupResult same = backup(repo, src);
        assertThat(same.bytesRead()).isZero();
        // at most the trees above it (/tmp and the test's directory), whose times other processes move
        assertThat(same.backup().bytesAdded()).as("every tree below kept").isLessThan(2048);
        assertThat(same.warnings()).isEmpty();

        Files.writeString(src.resolve("a7/b50/f"), "changed", StandardOpenOption.APPEND);
        Files.delete(src.resolve("a3/b9/f"));
        Files.delete(src.resolve("a3/b9"));
        Files.createSymbolicLink(src.resolve("a11/b99/link"), Path.of("f"));
        Files.setPosixFilePermissions(src.resolve("a0/b0"), PosixFilePermissions.fromString("rwx------"));
        FileBackupResult third = backup(repo, src, src + "/a5/**");
        assertThat(third.bytesRead()).isEqualTo("file 7/50changed".length());
        assertThat(third.backup().files().unchangedFiles()).isEqualTo(1200 - 100 - 2);
        assertThat(third.backup().parents()).containsExactly(same.backup().id());

        Path target = tmp.resolve("restored");
        repo.restoreFiles(third.backup().id(), target.toString(), List.of(), false);
        java.util.function.Predicate<String> kept = l -> !l.startsWith("/a5/") && !l.startsWith("/a5 ");
        List<String> now = FileTrees.describe(src.toString()).stream().filter(kept).toList();
        assertThat(restoredBelow(target, src).stream().filter(kept).toList()).containsExactlyElementsOf(now);
        assertThat(Path.of(target + src.toString(), "a5")).doesNotExist();
        assertThat(repo.check(true).errors()).isEmpty();
        assertThat(first.backup().files().files()).isEqualTo(1200);
    }

    @Test
    void theWalkWithEntriesStatedAheadStoresTheTreesOfAWalkOnOneThread() throws IOException {
        // an incremental backup stats entries ahead on a second thread (StatAhead): the same trees, counts and
        // warnings as every entry stat-ed by the walk itself, on a tree with wide and deep directories, links,
        // excluded names, and changes since the parent
        Path src = grid("wide", 6, 40, true);
        Path flat = Files.createDirectories(src.resolve("flat"));
        for (int i = 0; i < 700; i++) {
            Files.writeString(flat.resolve("n" + i), i % 5 == 0 ? "" : "n" + i);
        }
        BackupRepository ahead = BackupRepository.init(tmp.resolve("ahead"), Optional.empty(), TestDisks.fastKdf(), 3)
                .statAhead(true);
        BackupRepository alone = BackupRepository.init(tmp.resolve("alone"), Optional.empty(), TestDisks.fastKdf(), 3)
                .statAhead(false);
        time += 1_000_000_000L;
        FileBackupResult firstAhead = ahead.backupFiles("host1", List.of(src.toString()), "/", List.of(), 0, time,
                false);
        FileBackupResult firstAlone = alone.backupFiles("host1", List.of(src.toString()), "/", List.of(), 0, time,
                false);
        assertThat(ahead.treeAt(firstAhead.backup().id(), src.toString()))
                .isEqualTo(alone.treeAt(firstAlone.backup().id(), src.toString()));

        Files.writeString(src.resolve("a2/b7/f"), "changed", StandardOpenOption.APPEND);
        Files.writeString(flat.resolve("n350"), "changed too", StandardOpenOption.APPEND);
        Files.delete(flat.resolve("n10"));
        Files.writeString(flat.resolve("new"), "new");
        Files.setPosixFilePermissions(src.resolve("a1/b1/f"), PosixFilePermissions.fromString("rw-------"));
        Files.delete(src.resolve("a4/b4/l"));
        for (String[] excludes : new String[][] {{}, {src + "/flat/n3*", src + "/a5/**"}}) {
            time += 1_000_000_000L;
            FileBackupResult withAhead = ahead.backupFiles("host1", List.of(src.toString()), "/",
                    List.of(excludes), 0, time, false);
            FileBackupResult without = alone.backupFiles("host1", List.of(src.toString()), "/", List.of(excludes),
                    0, time, false);
            assertThat(ahead.treeAt(withAhead.backup().id(), src.toString()))
                    .as("the trees, excludes %s", List.of(excludes))
                    .isEqualTo(alone.treeAt(without.backup().id(), src.toString()));
            assertThat(withAhead.backup().files()).isEqualTo(without.backup().files());
            assertThat(withAhead.bytesRead()).isEqualTo(without.bytesRead());
            assertThat(withAhead.warnings()).isEqualTo(without.warnings());
        }
        assertThat(ahead.check(true).errors()).isEmpty();
    }

    @Test
    void aFileAndADiskWithTheSameBytesShareTheirBlobs() throws IOException {
        Path disk = TestDisks.make(Files.createDirectories(tmp.resolve("disks")).resolve("vda.raw"),
                32 * TestDisks.MiB, 20, 5);
        BackupRepository repo = repo(false);
        BackupResult diskBackup = repo.run(new DedupStrategy(), TestDisks.source("web1", disk, 1));
        assertThat(diskBackup.backup().bytesAdded()).isGreaterThan(1 << 20);

        FileBackupResult files = backup(repo, disk.getParent());
        assertThat(files.bytesRead()).isGreaterThan(1 << 20);
        assertThat(files.backup().bytesAdded()).as("only trees are new").isLessThan(8 * 1024);
    }

    @Test
    void excludedEntriesAreLeftOutAndIncludesRestoreOnlyWhatTheyMatch() throws IOException {
        Path src = sampleTree();
        Files.createDirectories(src.resolve("cache/deep"));
        Files.writeString(src.resolve("cache/deep/x"), "x");
        Files.writeString(src.resolve("docs/scratch.tmp"), "tmp");
        BackupRepository repo = repo(false);
        FileBackupResult r = backup(repo, src, "*.tmp", src + "/cache/**");
        List<String> paths = repo.listFiles(r.backup().id(), "/", true).stream().map(FileListing::path).toList();
        // ** is any number of names, none included: the directory goes with its contents
        assertThat(paths).contains(src + "/docs/readme.txt", src + "/docs").doesNotContain(src + "/docs/scratch.tmp",
                src + "/cache", src + "/cache/deep");

        Path target = tmp.resolve("restored");
        FileRestoreResult only = repo.restoreFiles(r.backup().id(), target.toString(), List.of("/**/docs/readme.*"),
                false);
        assertThat(only.files()).isEqualTo(1);
        assertThat(Files.readString(Path.of(target + src.toString(), "docs/readme.txt"))).isEqualTo("hello\n");
        assertThat(Path.of(target + src.toString(), "random.bin")).doesNotExist();

        assertThatThrownBy(() -> repo.backupFiles("host1", List.of(src.toString()), "/", List.of("[a-"), 0, 1,
                false)).isInstanceOf(RepositoryException.class);
        assertThatThrownBy(() -> repo.backupFiles("host1", List.of(tmp.resolve("nope").toString()), "/", List.of(), 0,
                1, false)).isInstanceOf(RepositoryException.class).hasMessageContaining("nope");
    }

    @Test
    void filesVanishingOrGrowingWhileBackedUpAreReportedAndTheBackupStaysComplete() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("live"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(src.resolve("f" + i), "content " + i);
        }
        byte[] big = new byte[1 << 20];
        new SplittableRandom(3).nextBytes(big);
        Files.write(src.resolve("grows"), big);
        BackupRepository repo = repo(false).fileHook((path, opened) -> {
            if (!opened && path.endsWith("/f2")) {
                Files.delete(Path.of(path));
            }
            if (opened && path.endsWith("/grows")) {
                Files.write(Path.of(path), new byte[4096], StandardOpenOption.APPEND);
            }
        });
        FileBackupResult r = backup(repo, src);
        assertThat(r.warnings()).anyMatch(w -> w.contains("/f2") && w.contains("vanished"));
        assertThat(r.warnings()).anyMatch(w -> w.contains("/grows") && w.contains("changed while it was read"));
        assertThat(r.leftOut()).isEqualTo(1);
        assertThat(repo.check(true).errors()).isEmpty();

        Path target = tmp.resolve("restored");
        repo.restoreFiles(r.backup().id(), target.toString(), List.of(), false);
        Path back = Path.of(target + src.toString());
        assertThat(back.resolve("f2")).doesNotExist();
        assertThat(Files.readString(back.resolve("f4"))).isEqualTo("content 4");
        assertThat(Files.readAllBytes(back.resolve("grows"))).as("read to the length it had when opened")
                .isEqualTo(big);
    }

    @Test
    void symbolicLinkLoopsAreKeptAsLinksAndNeverFollowed() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("loops"));
        Files.createSymbolicLink(src.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(src.resolve("b"), Path.of("a"));
        Files.createSymbolicLink(src.resolve("self"), Path.of("."));
        Files.createSymbolicLink(src.resolve("up"), Path.of(".."));
        Files.createSymbolicLink(src.resolve("root"), Path.of("/"));
        List<String> before = FileTrees.describe(src.toString());
        BackupRepository repo = repo(false);
        FileBackupResult r = backup(repo, src);
        assertThat(r.backup().files().others()).isEqualTo(5);
        assertThat(r.backup().files().files()).isZero();
        Path target = tmp.resolve("restored");
        repo.restoreFiles(r.backup().id(), target.toString(), List.of(), false);
        assertThat(restoredBelow(target, src)).containsExactlyElementsOf(before);
        // a backup of a path through a link loop is refused with one line
        assertThatThrownBy(() -> repo.backupFiles("host1", List.of(src + "/a/x"), "/", List.of(), 0, 1, false))
                .isInstanceOf(RepositoryException.class);
    }

    @Test
    void anExistingTargetIsRefusedUnlessOverwritingAndALinkInItIsNeverFollowed() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("s"));
        Files.writeString(src.resolve("secret"), "from the backup");
        BackupRepository repo = repo(false);
        FileBackupResult r = backup(repo, src);

        Path target = Files.createDirectories(tmp.resolve("t"));
        Files.writeString(target.resolve("mine"), "keep");
        assertThatThrownBy(() -> repo.restoreFiles(r.backup().id(), target.toString(), List.of(), false))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("not empty");
        assertThat(FileTrees.describe(target.toString())).hasSize(1);
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> repo.restoreFiles(r.backup().id(), file.toString(), List.of(), false))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> repo.restoreFiles(r.backup().id(), tmp + "/no/such/dir", List.of(), false))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("parent");

        // the target's first path component is a link to elsewhere: the restore must not write through it
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        String first = tmp.getRoot().relativize(tmp).getName(0).toString();
        Files.createSymbolicLink(target.resolve(first), elsewhere);
        try {
            repo.restoreFiles(r.backup().id(), target.toString(), List.of(), true);
        } catch (RepositoryException refused) {
            assertThat(refused.getMessage()).doesNotContain("Exception");
        }
        assertThat(FileTrees.describe(elsewhere.toString())).isEmpty();
        assertThat(Files.readString(target.resolve("mine"))).isEqualTo("keep");
    }

    @Test
    void aTreeNamingDotDotOrASlashIsRejectedAsDamaged() throws IOException {
        for (String bad : List.of("..", ".", "a/b")) {
            Path dir = Files.createDirectories(tmp.resolve("t" + bad.length()));
            Files.writeString(dir.resolve("x"), "x");
            List<TreeNode> good = new ArrayList<>();
            try (HostFs fs = HostFs.open()) {
                good.add(TreeNode.of(bad.getBytes(StandardCharsets.UTF_8),
                        fs.stat(HostFs.CWD, dir.resolve("x").toString().getBytes(StandardCharsets.UTF_8), "x"), "root",
                        "root", null, List.of(), List.of(), null));
            }
            byte[] raw = FileTree.encode(good);
            assertThatThrownBy(() -> FileTree.decode(raw, "tree")).isInstanceOf(RepositoryException.class)
                    .hasMessageContaining("tree");
        }
    }

    /**
     * This machine's files, counting the directories listed and the names stat-ed; with {@code typesHidden} its
     * listings say no name's type, as a file system without {@code d_type} (and a lab host's image) does.
     */
    private static final class CountingFs implements dev.hyperlab.core.hostfs.FileSource {
        final HostFs fs;
        int listed;
        int namesStated;
        boolean typesHidden;

        CountingFs(HostFs fs) {
            this.fs = fs;
        }

        @Override public int openDirectory(int dir, byte[] name, String what) throws IOException {
            return fs.openDirectory(dir, name, what);
        }
        @Override public int openForReading(int dir, byte[] name, String what) throws IOException {
            return fs.openForReading(dir, name, what);
        }
        @Override public int openPath(int dir, byte[] name, String what) throws IOException {
            return fs.openPath(dir, name, what);
        }
        @Override public void close(int fd) {
            fs.close(fd);
        }
        @Override public dev.hyperlab.core.hostfs.FileStat stat(int dir, byte[] name, String what) throws IOException {
            namesStated++;
            return fs.stat(dir, name, what);
        }
        @Override public dev.hyperlab.core.hostfs.FileStat stat(int fd, String what) throws IOException {
            return fs.stat(fd, what);
        }
        @Override public List<DirEntry> list(int fd, String what) throws IOException {
            listed++;
            List<DirEntry> names = fs.list(fd, what);
            return typesHidden ? names.stream().map(e -> new DirEntry(e.name(), e.ino())).toList() : names;
        }
        @Override public int read(int fd, long pos, byte[] buf, int off, int len, String what) throws IOException {
            return fs.read(fd, pos, buf, off, len, what);
        }
        @Override public long seek(int fd, long pos, boolean hole, String what) throws IOException {
            return fs.seek(fd, pos, hole, what);
        }
        @Override public byte[] readLink(int dir, byte[] name, String what) throws IOException {
            return fs.readLink(dir, name, what);
        }
        @Override public List<dev.hyperlab.core.hostfs.Xattr> xattrs(int fd, String what)
                throws dev.hyperlab.core.hostfs.PosixException {
            return fs.xattrs(fd, what);
        }
        @Override public List<dev.hyperlab.core.hostfs.Xattr> xattrsAt(int dir, byte[] name, String what)
                throws dev.hyperlab.core.hostfs.PosixException {
            return fs.xattrsAt(dir, name, what);
        }
        @Override public String userName(int uid) {
            return fs.userName(uid);
        }
        @Override public String groupName(int gid) {
            return fs.groupName(gid);
        }
        @Override public boolean timesCoverNames(int fd, long dev) {
            return fs.timesCoverNames(fd, dev);
        }
    }

    private static String times(dev.hyperlab.core.hostfs.FileStat st) {
        return st.mtimeSec() + "." + st.mtimeNsec() + " " + st.ctimeSec() + "." + st.ctimeNsec() + " " + st.ino();
    }

    private FileBackupResult backup(BackupRepository repo, CountingFs fs, Path path, String... excludes)
            throws IOException {
        time += 1_000_000_000L;
        fs.listed = 0;
        return repo.backupFiles("host1", fs, List.of(path.toString()), List.of(excludes), java.util.Map.of(), time,
                false);
    }

    @Test
    void aNewFileTheListingSaysIsRegularIsStatedByItsOpenAloneAndTheTreesAreTheSame() throws IOException {
        // for a new file the open's fstat stands for the walk's stat of a regular file: the same trees, counts and
        // warnings as with every name stat-ed, one stat of a name fewer per such file, in a first and a second backup
        Path src = grid("typed", 4, 6, true);
        Files.createLink(src.resolve("a0/hard"), src.resolve("a0/b1/f"));
        Files.createLink(src.resolve("a1/hard"), src.resolve("a0/b1/f"));
        Files.write(src.resolve("a2/empty"), new byte[0]);
        byte[] big = new byte[300_000];
        new SplittableRandom(5).nextBytes(big);
        Files.write(src.resolve("a3/big"), big);
        new ProcessBuilder("mkfifo", src.resolve("a3/fifo").toString()).inheritIO().start().onExit().join();
        try (HostFs host = HostFs.open()) {
            CountingFs typed = new CountingFs(host);
            CountingFs untyped = new CountingFs(host);
            untyped.typesHidden = true;
            BackupRepository a = BackupRepository.init(tmp.resolve("typedRepo"), Optional.empty(),
                    TestDisks.fastKdf(), 3);
            BackupRepository b = BackupRepository.init(tmp.resolve("untypedRepo"), Optional.empty(),
                    TestDisks.fastKdf(), 3);
            FileBackupResult withTypes = null;
            for (int round = 0; round < 2; round++) {
                typed.namesStated = 0;
                untyped.namesStated = 0;
                withTypes = backup(a, typed, src);
                time -= 1_000_000_000L;
                FileBackupResult without = backup(b, untyped, src);
                assertThat(a.treeAt(withTypes.backup().id(), src.toString())).as("round %d", round)
                        .isEqualTo(b.treeAt(without.backup().id(), src.toString()));
                assertThat(withTypes.backup().files()).isEqualTo(without.backup().files());
                assertThat(withTypes.bytesRead()).isEqualTo(without.bytesRead());
                assertThat(withTypes.warnings()).isEqualTo(without.warnings());
                long newFiles = withTypes.backup().files().newFiles();
                assertThat(newFiles).isEqualTo(round == 0 ? 4 * 6 + 4 : 2);
                // a second backup too, for its new files (with StatAhead on, every name would be stat-ed ahead)
                assertThat(typed.namesStated).as("round %d", round).isEqualTo(untyped.namesStated - newFiles);
                // between the rounds: a file added, one changed, a hard link to a file already backed up
                if (round == 0) {
                    Files.writeString(src.resolve("a2/b2/new"), "new");
                    Files.writeString(src.resolve("a1/b4/f"), "changed", StandardOpenOption.APPEND);
                    Files.createLink(src.resolve("a2/hard"), src.resolve("a0/b1/f"));
                }
            }
            assertThat(a.check(true).errors()).isEmpty();
            List<String> now = FileTrees.describe(src.toString());
            Path target = tmp.resolve("restoredTyped");
            a.restoreFiles(withTypes.backup().id(), target.toString(), List.of(), false);
            assertThat(restoredBelow(target, src)).containsExactlyElementsOf(now);
        }
    }

    @Test
    void unchangedDirectoriesKeepTheirNamesButEveryFileIsStillStatedAndAChangedOneRead() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("kept"));
        Path d = Files.createDirectories(src.resolve("d"));
        Path e = Files.createDirectories(src.resolve("e"));
        Files.writeString(d.resolve("a.txt"), "alpha\n");
        Files.writeString(d.resolve("b.txt"), "beta\n");
        Files.writeString(e.resolve("c.txt"), "gamma\n");
        try (HostFs host = HostFs.open()) {
            CountingFs fs = new CountingFs(host);
            int fd = host.openDirectory(HostFs.CWD, src.toString().getBytes(StandardCharsets.UTF_8), "src");
            boolean covers = host.timesCoverNames(fd, host.stat(fd, "src").dev());
            host.close(fd);
            org.junit.jupiter.api.Assumptions.assumeTrue(covers, "the test directory's file system is not one whose"
                    + " directory times cover their names");
            BackupRepository repo = repo(true);
            // the backups' times are far after the directories' change times (RACY_NANOS)
            time = 4_000_000_000_000_000_000L;

            // a backup of d alone: the tree it keeps for src holds d only, so the next one (of src) lists src
            FileBackupResult partialFirst = backup(repo, fs, d);
            FileBackupResult first = backup(repo, fs, src);
            assertThat(first.backup().parents()).containsExactly(partialFirst.backup().id());
            assertThat(fs.listed).as("other paths than the parent's: every directory listed").isEqualTo(3);
            assertThat(first.backup().files().files()).isEqualTo(3);

            FileBackupResult same = backup(repo, fs, src);
            assertThat(fs.listed).as("nothing changed: no directory listed").isZero();
            assertThat(same.bytesRead()).isZero();
            assertThat(same.backup().files().unchangedFiles()).isEqualTo(3);

            // new content with the old modification time put back: d's times do not move, a.txt's change time does
            FileTime mtime = Files.getLastModifiedTime(d.resolve("a.txt"));
            byte[] dName = d.toString().getBytes(StandardCharsets.UTF_8);
            String dirBefore = times(host.stat(HostFs.CWD, dName, "d"));
            Files.writeString(d.resolve("a.txt"), "ALPHA\n");
            Files.setLastModifiedTime(d.resolve("a.txt"), mtime);
            assertThat(Files.getLastModifiedTime(d.resolve("a.txt"))).isEqualTo(mtime);
            assertThat(times(host.stat(HostFs.CWD, dName, "d"))).as("d's times unchanged").isEqualTo(dirBefore);
            FileBackupResult changed = backup(repo, fs, src);
            assertThat(fs.listed).as("no directory's times moved").isZero();
            assertThat(changed.backup().files().changedFiles()).isEqualTo(1);
            assertThat(changed.bytesRead()).isEqualTo("ALPHA\n".length());

            // a name added moves e's times: e alone is listed, the new file found
            Files.writeString(e.resolve("new.txt"), "new\n");
            FileBackupResult added = backup(repo, fs, src);
            assertThat(fs.listed).isEqualTo(1);
            assertThat(added.backup().files().newFiles()).isEqualTo(1);
            assertThat(added.bytesRead()).isEqualTo(4);

            // other exclude patterns than the parent's: every directory listed, what was excluded is found
            FileBackupResult excluding = backup(repo, fs, src, src + "/d/b.txt");
            assertThat(excluding.backup().files().files()).isEqualTo(3);
            FileBackupResult afterExcluding = backup(repo, fs, src);
            assertThat(fs.listed).isEqualTo(3);
            assertThat(afterExcluding.backup().files().files()).isEqualTo(4);

            // a parent that began within RACY_NANOS of the directories' change times: every directory listed
            dev.hyperlab.core.hostfs.FileStat top = host.stat(HostFs.CWD,
                    src.toString().getBytes(StandardCharsets.UTF_8), "src");
            time = top.ctimeSec() * 1_000_000_000L + top.ctimeNsec();
            BackupRepository racy = BackupRepository.init(tmp.resolve("repo2"), Optional.empty(),
                    TestDisks.fastKdf(), 3);
            backup(racy, fs, src);
            FileBackupResult racySecond = backup(racy, fs, src);
            assertThat(fs.listed).isEqualTo(3);
            assertThat(racySecond.backup().files().unchangedFiles()).isEqualTo(4);

            List<String> now = FileTrees.describe(src.toString());
            Path target = tmp.resolve("restored");
            repo.restoreFiles(afterExcluding.backup().id(), target.toString(), List.of(), false);
            assertThat(restoredBelow(target, src)).containsExactlyElementsOf(now);
            assertThat(repo.check(true).errors()).isEmpty();
        }
    }

    private static List<String> names(String dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (HostFs fs = HostFs.open()) {
            int fd = fs.openDirectory(HostFs.CWD, dir.getBytes(StandardCharsets.UTF_8), dir);
            for (DirEntry e : fs.list(fd, dir)) {
                out.add(new String(e.name(), StandardCharsets.ISO_8859_1));
            }
            fs.close(fd);
        }
        return out;
    }

    private static void clean(List<Path> dirs) throws IOException {
        for (Path d : dirs) {
            new ProcessBuilder("rm", "-rf", d.toString()).inheritIO().start().onExit().join();
        }
    }
}
