package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.api.spi.LoaderSignature;
import dev.hyperlab.core.firmware.SigningKeys;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code disk sign} and {@code vm|host secureboot enroll|show} in batch mode, each in a process of their own, and the
 * same through the facade in JavaScript and Java snippets: a key made by openssl signs the loader of a UEFI profile
 * disk (verified here against the certificate) and is enrolled on a VM and a host, which keep it across processes.
 */
class SecureBootCommandsTest {
    @TempDir
    Path home;

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

    private void keyPair(String name, String subject) throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                name + ".key", "-out", name + ".crt", "-subj", subject, "-days", "30").directory(home.toFile())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** The loader on {@code image}'s ESP verifies against the certificate {@code cert}. */
    private boolean signedBy(String image, String cert) throws Exception {
        var key = SigningKeys.publicKey(Files.readString(home.resolve(cert)), cert);
        try (DiskImage img = DiskImages.open(home.resolve(image), true)) {
            byte[] loader = BootDiskProbe.readEspFile(img, BootDiskProbe.UEFI_FALLBACK_LOADER).orElseThrow();
            return LoaderSignature.parse(loader).map(s -> s.verifiedBy(key)).orElse(false);
        }
    }

    @Test
    void theShellSignsALoaderAndEnrollsAKeyThatStaysWithTheLab() throws Exception {
        keyPair("me", "/CN=me");
        ok("disk create a.qcow2 --size 256MiB --os linux-server --firmware uefi");
        assertThat(signedBy("a.qcow2", "me.crt")).isFalse();
        assertThat(ok("disk sign a.qcow2 --key me.key --cert me.crt").out()).startsWith("signed \\EFI\\BOOT\\BOOTX64.EFI of "
                + home.resolve("a.qcow2") + " with CN=me (key id ");
        assertThat(signedBy("a.qcow2", "me.crt")).isTrue();

        ok("host create h --cores 4 --ram 8GiB; vm create v --host h --vcpus 1 --memory 1GiB --disk a.qcow2");
        assertThat(ok("vm secureboot enroll v me.crt").out()).startsWith("enrolled CN=me on v (key id ");
        assertThat(ok("host secureboot enroll h me.crt").out()).startsWith("enrolled CN=me on h (key id ");
        JsonNode vm = ShellFixture.JSON.readTree(ok("vm secureboot show v --json").out());
        assertThat(vm).hasSize(1);
        assertThat(vm.get(0).get("subject").asText()).isEqualTo("CN=me");
        assertThat(ok("host secureboot show h").out()).contains("CN=me").contains(vm.get(0).get("keyId").asText());

        assertThat(fails("vm secureboot enroll v me.crt")).isEqualTo("error: key " + vm.get(0).get("keyId").asText()
                + " is enrolled on v already (vm secureboot show v lists its keys)");
        assertThat(fails("vm secureboot enroll v nothere.crt")).isEqualTo("error: no file " + home.resolve("nothere.crt")
                + " for the certificate (give the path of a PEM file)");
        assertThat(fails("vm secureboot enroll nosuch me.crt")).isEqualTo("error: no VM named 'nosuch' (vm list shows the VMs)");
        assertThat(fails("host secureboot enroll h me.key"))
                .startsWith("error: me.key holds a PRIVATE KEY, not a certificate or public key");
    }

    @Test
    void scriptsAndSnippetsSignAndEnrollToo() throws Exception {
        keyPair("js", "/CN=from js");
        keyPair("jv", "/CN=from java");
        ok("disk create a.qcow2 --size 256MiB --os linux-server --firmware uefi; disk create b.raw --format raw"
                + " --size 256MiB --os linux-server --firmware uefi");
        ok("host create h --cores 4 --ram 8GiB; vm create v --host h --vcpus 1 --memory 1GiB --disk 1GiB");
        assertThat(ok("js lab.signLoader('a.qcow2', 'js.key', 'js.crt').subject").out()).isEqualTo("CN=from js\n");
        assertThat(ok("java lab.signLoader(\"b.raw\", \"jv.key\", \"jv.crt\").bytes()").out()).contains("466");
        assertThat(signedBy("a.qcow2", "js.crt")).isTrue();
        assertThat(signedBy("b.raw", "jv.crt")).isTrue();

        assertThat(ok("js lab.vm('v').secureBootEnroll('js.crt').subject").out()).isEqualTo("CN=from js\n");
        assertThat(ok("java lab.host(\"h\").secureBootEnroll(\"jv.crt\").subject()").out()).contains("CN=from java");
        assertThat(ok("js lab.vm('v').secureBootKeys().map(k => k.subject).join(',')").out()).isEqualTo("CN=from js\n");
        assertThat(ok("java lab.host(\"h\").secureBootKeys().size()").out()).contains("1");
        assertThat(ShellFixture.JSON.readTree(ok("vm secureboot show v --json").out()).get(0).get("subject").asText())
                .isEqualTo("CN=from js");
        List<String> lines = hl("js lab.signLoader('a.qcow2', 'jv.key', 'js.crt')").err().lines()
                .filter(l -> l.startsWith("error: ")).toList();
        assertThat(lines).containsExactly("error: js:1:1: the key jv.key does not match the certificate js.crt (give the"
                + " key the certificate was made with: openssl x509 -noout -modulus and openssl rsa -noout -modulus print"
                + " the same for a pair)");
        assertThat(signedBy("a.qcow2", "js.crt")).isTrue();
    }
}
