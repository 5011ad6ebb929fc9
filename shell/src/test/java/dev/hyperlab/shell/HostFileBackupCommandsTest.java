package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files inside a physical host backed up with {@code backup run HOST --files}: a UEFI host installed by hyperlab (its
 * GPT, its EFI system partition and an empty root partition), whose owner puts an ext4 root file system in the root
 * partition with {@code mkfs.ext4 -d} while it is off, as one lays down a golden image. The backup, its restore, an incremental
 * run that reads nothing again, a damaged file system, the JavaScript and Java facade, and the refusals.
 */
class HostFileBackupCommandsTest {
    /** Whole seconds: mke2fs 1.47.0's {@code -d} stores no nanoseconds (its inodes' extra time fields are 0). */
    private static final Instant WHEN = Instant.parse("2023-04-05T06:07:08Z");

    @TempDir
    Path tmp;

    /** The tree the host's root file system is made of: files, a link, a hard link, a sparse file, odd names. */
    private Path tree() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("tree"));
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("hostname"), "pm1\n");
        Files.writeString(etc.resolve("fstab"), "UUID=x / ext4 defaults 0 1\n");
        Files.setPosixFilePermissions(etc.resolve("fstab"), PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(etc.resolve("localtime"), Path.of("/usr/share/zoneinfo/UTC"));
        Files.createLink(etc.resolve("hostname.bak"), etc.resolve("hostname"));
        Files.writeString(etc.resolve("two\nlines"), "a name with a newline\n");
        Path data = Files.createDirectories(root.resolve("var/lib/db"));
        try (RandomAccessFile f = new RandomAccessFile(data.resolve("sparse.img").toFile(), "rw")) {
            f.seek(3 << 20);
            f.write("after a hole".getBytes(StandardCharsets.US_ASCII));
            f.setLength(8 << 20);
        }
        byte[] big = new byte[600_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + i / 977);
        }
        Files.write(data.resolve("table.dat"), big);
        Files.writeString(data.resolve("zzmarker-entry"), "x");
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).setTimes(FileTime.from(WHEN), null, null);
            }
        }
        return root;
    }

    /** An ext4 file system of {@code tree} in the root partition the installer left empty after its ESP. */
    private static void addRoot(Path disk, Path tree) throws Exception {
        long start = 0;
        for (String line : run("sgdisk", "-i", "2", disk.toString()).split("\n")) {
            if (line.startsWith("First sector:")) {
                start = Long.parseLong(line.replaceAll("First sector: (\\d+).*", "$1"));
            }
        }
        assertThat(start).isPositive();
        run("mkfs.ext4", "-q", "-F", "-d", tree.toString(), "-E", "offset=" + start * 512, disk.toString(), "256M");
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    private static boolean has(String tool) {
        try {
            return new ProcessBuilder("which", tool).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** What a tree holds, below {@code root}: each path with its type, mode, mtime and content (a link's target). */
    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String rel = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,lastModifiedTime,ino",
                        LinkOption.NOFOLLOW_LINKS);
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    what = "dir";
                } else {
                    what = "file " + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(p)));
                }
                String mode = Integer.toOctalString((Integer) a.get("mode") & 07777);
                String time = Files.isSymbolicLink(p) ? "" : " " + a.get("lastModifiedTime");
                out.put(rel, what + " " + (Files.isSymbolicLink(p) ? "" : mode) + time);
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static Object ino(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    /** A lab in {@code lab} with UEFI host pm1 installed (off) and a repository; then {@code then} in that shell. */
    private void installed(Path lab, java.util.function.Consumer<ShellFixture> then) {
        assumeThat(has("sgdisk") && has("mkfs.ext4")).as("sgdisk and mkfs.ext4").isTrue();
        try (ShellFixture shell = ShellFixture.in(lab)) {
            shell.ok("host create pm1 --cores 4 --ram 8GiB --firmware uefi --disk nvme:2GiB;"
                    + "host install pm1 --hypervisor type2 --host-os linux;"
                    + "backup init " + tmp.resolve("repo"));
            then.accept(shell);
        }
    }

    @Test
    void backUpFilesInsideARunningHostRestoreThemAndRunAgainReadingNothing() throws Exception {
        Path tree = tree();
        Path lab = tmp.resolve("lab");
        String repo = " --repo " + tmp.resolve("repo");
        installed(lab, shell -> assertThat(shell.run("backup run pm1 --files /etc" + repo).err())
                .isEqualTo("error: host pm1 is off: a file backup runs in the host's OS, which must be running "
                        + "(power it on and wait for it, or image its disks offline)\n"));
        addRoot(lab.resolve("hosts/pm1/disk0.raw"), tree);
        try (ShellFixture shell = ShellFixture.in(lab)) {
            shell.ok("host power-on pm1; wait host pm1");
            String first = shell.ok("backup run pm1 --files /etc /var /boot/efi" + repo);
            assertThat(first).startsWith("pm1: backup ").contains("(files, crash-consistent): 8 files (",
                    "8 new, 0 changed, 0 unchanged", "file agent read for ", "the host kept running (timeline pm1)",
                    "disk0 partition 2 (ext4) on /", "disk0 partition 1 (fat", ") on /boot/efi");
            assertThat(shell.ok("timeline pm1")).contains("file-backup");
            JsonNode list = shell.run("backup list --json" + repo).json();
            assertThat(list.get(0).get("vm").asText()).isEqualTo("pm1");
            assertThat(list.get(0).get("paths").toString()).contains("/etc", "/var", "/boot/efi");
            // its time is the lab's (as a VM backup's), not a wall-clock time of 1970
            assertThat(list.get(0).get("created").asText()).isEmpty();
            assertThat(shell.ok("backup list" + repo)).doesNotContain("1970");
            String id = list.get(0).get("id").asText().substring(0, 8);
            assertThat(shell.ok("backup ls " + id + " /etc" + repo)).contains("/etc/hostname", "-rw-------",
                    "/etc/localtime -> /usr/share/zoneinfo/UTC");
            assertThat(shell.ok("backup ls " + id + " /boot/efi --recursive" + repo)).containsIgnoringCase("EFI");

            Path target = tmp.resolve("restored");
            shell.ok("backup restore " + id + " --to " + target + " --include /etc/** --include /var/**" + repo);
            Map<String, String> want = describe(tree);
            Map<String, String> got = describe(target);
            got.remove(""); // the target itself
            want.remove("");
            assertThat(got).isEqualTo(want);
            assertThat(ino(target.resolve("etc/hostname"))).isEqualTo(ino(target.resolve("etc/hostname.bak")));
            long allocated = (Long) Files.getAttribute(target.resolve("var/lib/db/sparse.img"), "unix:size");
            assertThat(allocated).isEqualTo(8 << 20);

            String again = shell.ok("backup run pm1 --files /etc /var /boot/efi" + repo);
            assertThat(again).contains("0 new, 0 changed, 8 unchanged", "; read 0 B");
            JsonNode both = shell.run("backup list --json" + repo).json();
            assertThat(both.get(1).get("parents").get(0).asText()).isEqualTo(both.get(0).get("id").asText());

            // the facade from JavaScript and from Java
            assertThat(shell.ok("js lab.backups('" + tmp.resolve("repo") + "', '').backupHostFiles('pm1', ['/etc'], "
                    + "['*.bak']).backup.files.files")).contains("3");
            assertThat(shell.ok("java lab.backups(\"" + tmp.resolve("repo") + "\", \"\").backupHostFiles(\"pm1\", "
                    + "java.util.List.of(\"/var\"), java.util.List.of()).read().toNanos() > 0")).contains("true");

            // mistakes: one line each, nothing written
            int before = shell.run("backup list --json" + repo).json().size();
            assertThat(shell.run("backup run pm1 --files /nope" + repo).err())
                    .isEqualTo("error: cannot back up /nope: /nope: no such file or directory\n");
            assertThat(shell.run("backup run pm1 --files etc" + repo).err())
                    .startsWith("error: path \"etc\" is not absolute");
            assertThat(shell.run("backup run pm1 --files /etc --image" + repo).err())
                    .startsWith("error: --files backs up files, with no strategy and no --image");
            assertThat(shell.run("backup run nohost --files /etc" + repo).err()).startsWith("error: no host");
            assertThat(shell.run("backup list --json" + repo).json().size()).isEqualTo(before);
        }
    }

    @Test
    void aHostWithoutARootFileSystemIsToldHowToGetOneAndWritesNoBackup() {
        // a BIOS host as host install leaves it: an MBR and an empty root partition, no ESP
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            String repo = " --repo " + tmp.resolve("repo");
            shell.ok("host create pm2 --cores 4 --ram 8GiB --firmware bios --disk nvme:2GiB;"
                    + "host install pm2 --hypervisor type2 --host-os linux; host power-on pm2; wait host pm2;"
                    + "backup init " + tmp.resolve("repo"));
            assertThat(shell.run("backup run pm2 --files /etc" + repo).err()).isEqualTo("error: file backup of host "
                    + "pm2: no file system hyperlab reads (ext2/3/4, FAT) on disk disk0 (put a root file system in its"
                    + " root partition while it is off, with mkfs.ext4 -d as docs/backup.md shows; or image its disks"
                    + " with backup run HOST --image)\n");
            assertThat(shell.run("backup list --json" + repo).json().size()).isZero();
            assertThat(shell.ok("timeline pm2")).doesNotContain("file-backup");
        }
    }

    @Test
    void aDamagedFileSystemIsRefusedAndWritesNoBackup() throws Exception {
        Path tree = tree();
        Path lab = tmp.resolve("lab");
        String repo = " --repo " + tmp.resolve("repo");
        installed(lab, shell -> {});
        Path disk = lab.resolve("hosts/pm1/disk0.raw");
        addRoot(disk, tree);
        breakDirectoryEntry(disk, "zzmarker-entry");
        try (ShellFixture shell = ShellFixture.in(lab)) {
            shell.ok("host power-on pm1; wait host pm1");
            ShellFixture.Result r = shell.run("backup run pm1 --files /etc /var" + repo);
            assertThat(r.err()).startsWith("error: file backup of host pm1 failed: ")
                    .contains("broken directory entry").endsWith("\n");
            assertThat(r.err().strip()).doesNotContain("\n");
            assertThat(shell.run("backup list --json" + repo).json().size()).isZero();
            assertThat(shell.ok("backup check" + repo)).contains("no errors were found");
            // the parts the damage does not reach still back up
            assertThat(shell.ok("backup run pm1 --files /etc" + repo)).contains("4 new");
        }
    }

    /** Gives the directory entry called {@code name} a record length of 3, which no entry can have. */
    private static void breakDirectoryEntry(Path disk, String name) throws IOException {
        byte[] want = name.getBytes(StandardCharsets.US_ASCII);
        List<Long> hits = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            byte[] block = new byte[1 << 20];
            for (long at = 0; at < f.length(); at += block.length) {
                f.seek(at);
                int n = f.read(block);
                for (int i = 8; i + want.length <= n; i++) {
                    if (java.util.Arrays.equals(block, i, i + want.length, want, 0, want.length)
                            && (block[i - 2] & 0xff) == want.length) {
                        hits.add(at + i - 8);
                    }
                }
            }
            assertThat(hits).hasSize(1);
            f.seek(hits.getFirst() + 4);
            f.write(new byte[] {3, 0});
        }
    }
}
