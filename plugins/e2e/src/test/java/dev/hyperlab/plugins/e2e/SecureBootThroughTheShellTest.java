package dev.hyperlab.plugins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.api.spi.LoaderSignature;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.layout.BootDiskLayout;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secure Boot end to end, as a user meets it in the shell with the secureboot plugin installed: a VM made from an
 * {@code --os} profile boots (its loader carries the hyperlab lab CA's signature); the same loader unsigned is refused
 * with "Secure Boot Violation"; signed with the user's own openssl key ({@code disk sign}) it is still refused until
 * the key is enrolled on the VM ({@code vm secureboot enroll}), then it boots. Each command is a new hyperlab process,
 * so the enrolled key also survives the lab's save and load.
 */
class SecureBootThroughTheShellTest {
    @TempDir
    Path tmp;

    private static final String VIOLATION = "Secure Boot Violation: \\EFI\\BOOT\\BOOTX64.EFI refused on disk0 ";

    @Test
    void aProfileDiskBootsUnsignedIsRefusedAndAUserKeySignsAndEnrollsItsOwn() throws Exception {
        Shell sh = new Shell(tmp);
        sh.c("plugin install " + PluginsThroughTheShellTest.zip("secureboot")).ok();
        sh.c("host create esx1 --cores 16 --ram 64GiB; host install esx1 --hypervisor type1; host power-on esx1 --wait;"
                + "vm create web --host esx1 --vcpus 2 --memory 4GiB --os linux-server --firmware secureboot;"
                + "vm start web --wait").ok();
        assertThat(sh.c("vm info web --json").ok().json().get("state").asText()).isEqualTo("running");

        // a disk of the profile, its loader replaced by an unsigned one: refused
        Path disk = tmp.resolve("own.qcow2");
        sh.c("disk create " + disk + " --os linux-server --firmware uefi").ok();
        unsign(disk);
        sh.c("vm create own --host esx1 --vcpus 2 --memory 4GiB --firmware secureboot --disk " + disk
                + "; vm start own; advance 5m").ok();
        assertThat(reason(sh, "own")).isEqualTo(VIOLATION + "(unsigned) (BdsDxe: Access Denied)");

        // signed with the user's own key: refused until the key is enrolled on the VM, then it boots
        Path key = tmp.resolve("key.pem");
        Path cert = tmp.resolve("cert.pem");
        openssl("req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                cert.toString(), "-subj", "/CN=my kernels", "-days", "30");
        assertThat(sh.c("disk sign " + disk + " --key " + key + " --cert " + cert).ok().out())
                .startsWith("signed \\EFI\\BOOT\\BOOTX64.EFI of " + disk + " with CN=my kernels (key id ");
        sh.c("vm start own; advance 5m").ok();
        assertThat(reason(sh, "own")).isEqualTo(VIOLATION + "(signature not in db) (BdsDxe: Access Denied)");
        assertThat(sh.c("vm secureboot enroll own " + cert).ok().out()).startsWith("enrolled CN=my kernels on own");
        JsonNode keys = sh.c("vm secureboot show own --json").ok().json();
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).get("subject").asText()).isEqualTo("CN=my kernels");
        assertThat(keys.get(0).get("keyId").asText()).hasSize(64);
        assertThat(sh.c("vm secureboot show web").ok().out()).startsWith("web has no enrolled keys");
        sh.c("vm start own --wait").ok();
        assertThat(sh.c("vm info own --json").ok().json().get("state").asText()).isEqualTo("running");

        // the same key again is refused, naming it
        Shell.Run again = sh.c("vm secureboot enroll own " + cert);
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err().strip()).isEqualTo("error: key " + keys.get(0).get("keyId").asText()
                + " is enrolled on own already (vm secureboot show own lists its keys)");
    }

    @Test
    void badInputToDiskSignIsOneLineAndLeavesTheImageAsItWas() throws Exception {
        Shell sh = new Shell(tmp);
        Path disk = tmp.resolve("own.raw");
        Path blank = tmp.resolve("blank.qcow2");
        sh.c("disk create " + disk + " --os linux-server --firmware uefi --format raw --size 256MiB; disk create " + blank
                + " --size 64MiB").ok();
        Path key = tmp.resolve("key.pem");
        Path cert = tmp.resolve("cert.pem");
        Path otherKey = tmp.resolve("other.pem");
        Path otherCert = tmp.resolve("other-cert.pem");
        Path ecKey = tmp.resolve("ec.pem");
        Path garbage = tmp.resolve("garbage.pem");
        openssl("req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                cert.toString(), "-subj", "/CN=me", "-days", "30");
        openssl("req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", otherKey.toString(), "-out",
                otherCert.toString(), "-subj", "/CN=someone else", "-days", "30");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ecKey.toString());
        Files.writeString(garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        String before = sha(disk);

        List<String[]> cases = List.of(
                new String[] {disk + " --key " + otherKey + " --cert " + cert,
                    "error: the key " + otherKey + " does not match the certificate " + cert},
                new String[] {disk + " --key " + ecKey + " --cert " + cert,
                    "error: " + ecKey + " holds a non-RSA private key: algorithm 1.2.840.10045.2.1"},
                new String[] {disk + " --key " + garbage + " --cert " + cert,
                    "error: " + garbage + " holds a damaged private key"},
                new String[] {disk + " --key " + key + " --cert " + key,
                    "error: " + key + " holds a PRIVATE KEY, not a certificate or public key"},
                new String[] {blank + " --key " + key + " --cert " + cert,
                    "error: " + blank + " has no EFI system partition"},
                new String[] {cert + " --key " + key + " --cert " + cert, "error: "});
        for (String[] c : cases) {
            Shell.Run r = sh.c("disk sign " + c[0]);
            assertThat(r.status()).as(c[0]).isEqualTo(1);
            assertThat(r.err().strip()).as(c[0]).startsWith(c[1]).doesNotContain("\n").doesNotContain("Exception");
            assertThat(sha(disk)).as("the image after " + c[0]).isEqualTo(before);
        }

        // and a good key signs it, changing the ESP's loader alone
        sh.c("disk sign " + disk + " --key " + key + " --cert " + cert).ok();
        try (DiskImage img = DiskImages.open(disk, true)) {
            byte[] loader = BootDiskProbe.readEspFile(img, BootDiskProbe.UEFI_FALLBACK_LOADER).orElseThrow();
            assertThat(LoaderSignature.parse(loader)).isPresent();
        }
    }

    private static String sha(Path file) throws Exception {
        var md = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = new java.security.DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static String reason(Shell sh, String vm) {
        JsonNode info = sh.c("vm info " + vm + " --json").ok().json();
        assertThat(info.get("state").asText()).isEqualTo("crashed");
        return info.get("reason").asText();
    }

    /** Takes the signature off the EFI loader on a boot disk: a loader built by hand comes unsigned. */
    private static void unsign(Path disk) throws Exception {
        try (DiskImage img = DiskImages.open(disk, false)) {
            byte[] loader = BootDiskProbe.readEspFile(img, BootDiskProbe.UEFI_FALLBACK_LOADER).orElseThrow();
            BootDiskLayout.replaceEfiLoader(img, LoaderSignature.unsigned(loader));
        }
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl " + String.join(" ", args) + ": " + out).isZero();
    }
}
