package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code disk ls}, {@code disk cat} and {@code disk get} end to end, in batch mode in a process of their own, on an
 * ext4 image that mkfs.ext4 -d built (converted to qcow2 by disk convert), on the boot disk hyperlab writes for a UEFI
 * VM, and through the facade in JavaScript and Java snippets; bad input gets one line on stderr.
 */
class DiskFilesCommandsTest {
    @TempDir
    Path home;

    @BeforeEach
    void needsTools() {
        Assumptions.assumeFalse("1".equals(System.getenv("HYPERLAB_SKIP_QEMU_IMG")), "HYPERLAB_SKIP_QEMU_IMG=1");
    }

    private ShellProcess.Run hl(String commands) {
        return ShellProcess.run(home, null, "--lab", "./lab", "-c", commands);
    }

    private ShellProcess.Run ok(String commands) {
        ShellProcess.Run r = hl(commands);
        assertThat(r.status()).as(commands + "\n" + r.err()).isZero();
        return r;
    }

    private String fails(String commands) {
        ShellProcess.Run r = hl(commands);
        assertThat(r.status()).as(commands + "\n" + r.out()).isEqualTo(1);
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        return r.err().strip();
    }

    private void run(String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of(cmd));
        for (String d : new String[] {"/usr/sbin/", "/sbin/"}) {
            if (Files.isExecutable(Path.of(d + cmd[0]))) c.set(0, d + cmd[0]);
        }
        Process p = new ProcessBuilder(c).directory(home.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }

    /** An ext4 image (qcow2) of a small /etc and /var/www, built by mkfs.ext4 -d. */
    private void image() throws Exception {
        Path src = Files.createDirectories(home.resolve("src"));
        Path etc = Files.createDirectories(src.resolve("etc"));
        Files.writeString(etc.resolve("hostname"), "web1\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n");
        Files.setPosixFilePermissions(etc.resolve("hosts"), PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(etc.resolve("localtime"), Path.of("/usr/share/zoneinfo/UTC"));
        Path www = Files.createDirectories(src.resolve("var/www/html"));
        Files.writeString(www.resolve("index.html"), "<h1>hello</h1>\n");
        Files.setLastModifiedTime(www.resolve("index.html"), FileTime.fromMillis(1_700_000_000_000L));
        run("mkfs.ext4", "-q", "-F", "-d", src.toString(), "root.raw", "32M");
        ok("disk convert root.raw root.qcow2");
    }

    @Test
    void lsCatAndGetReadTheFilesInsideAnImage() throws Exception {
        image();
        assertThat(ok("disk ls root.qcow2").out().lines()).containsExactly("etc", "lost+found", "var");
        assertThat(ok("disk ls root.qcow2 /etc -l").out()).contains("-rw-r-----", "/etc/hosts",
                "/etc/localtime -> /usr/share/zoneinfo/UTC");
        assertThat(ok("disk ls root.qcow2 /var -R").out().lines())
                .containsExactly("/var/www", "/var/www/html", "/var/www/html/index.html");
        JsonNode hosts = ShellFixture.JSON.readTree(ok("disk ls root.qcow2 /etc/hosts --json").out()).get(0);
        assertThat(hosts.get("type").asText()).isEqualTo("file");
        assertThat(hosts.get("mode").asText()).isEqualTo("0640");
        assertThat(hosts.get("size").asLong()).isEqualTo(20);
        assertThat(ok("disk cat root.qcow2 /etc/hosts").out()).isEqualTo("127.0.0.1 localhost\n");

        ShellProcess.Run got = ok("disk get root.qcow2 /var/www --to copy");
        assertThat(got.out()).contains("1 file, 2 directories, 0 symbolic links");
        Path index = home.resolve("copy/www/html/index.html");
        assertThat(Files.readString(index)).isEqualTo("<h1>hello</h1>\n");
        assertThat(Files.getLastModifiedTime(index).toMillis()).isEqualTo(1_700_000_000_000L);
        ok("disk get root.qcow2 /etc --to copy");
        assertThat(Files.readSymbolicLink(home.resolve("copy/etc/localtime"))).isEqualTo(Path.of("/usr/share/zoneinfo/UTC"));
        assertThat(Files.isSymbolicLink(home.resolve("copy/etc/localtime"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("copy/etc/hosts"),
                LinkOption.NOFOLLOW_LINKS))).isEqualTo("rw-r-----");
    }

    @Test
    void badInputGetsOneLine() throws Exception {
        image();
        run("truncate", "-s", "8M", "blank.raw");
        assertThat(fails("disk ls root.qcow2 /nope")).startsWith("error: /nope: no such file or directory (");
        assertThat(fails("disk ls root.qcow2 /etc/hosts/x")).startsWith("error: /etc/hosts/x: not a directory (");
        assertThat(fails("disk cat root.qcow2 /etc")).startsWith("error: /etc: is a directory (");
        assertThat(fails("disk ls blank.raw")).contains("no file system hyperlab reads (ext2/3/4, FAT) on the disk");
        assertThat(fails("disk ls root.qcow2 --partition 2")).contains("no partition 2 (the disk has no partition table)");
        assertThat(fails("disk ls missing.qcow2")).contains("missing.qcow2");
        ok("disk get root.qcow2 /etc --to copy");
        assertThat(fails("disk get root.qcow2 /etc --to copy")).contains("exists in the target already");
    }

    @Test
    void theBootDiskOfAUefiVmHoldsItsLoader() {
        ok("disk create uefi.qcow2 --size 2GiB --os linux-server --firmware uefi");
        assertThat(ok("disk ls uefi.qcow2 /EFI/BOOT -l").out()).contains("/EFI/BOOT/BOOTX64.EFI");
    }

    @Test
    void scriptsAndSnippetsReadTheFilesToo() throws Exception {
        image();
        assertThat(ok("js lab.disk('root.qcow2').listFiles(0, '/etc', false).map(e => e.path).join(',')").out())
                .isEqualTo("/etc/hostname,/etc/hosts,/etc/localtime\n");
        assertThat(ok("js Array.from(lab.disk('root.qcow2').readFile(0, '/etc/hostname'), b => String.fromCharCode(b))"
                + ".join('').trim()").out()).isEqualTo("web1\n");
        assertThat(ok("java new String(lab.disk(\"root.qcow2\").readFile(0, \"/etc/hostname\")).strip()").out())
                .contains("web1");
    }
}
