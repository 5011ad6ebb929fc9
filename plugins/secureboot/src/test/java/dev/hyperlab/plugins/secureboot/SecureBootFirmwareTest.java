package dev.hyperlab.plugins.secureboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.spi.LoaderSignature;
import dev.hyperlab.testkit.BootRun;
import dev.hyperlab.testkit.PluginTestKit;
import dev.hyperlab.testkit.TestLab;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Secure Boot against the real engine and real disk images: signed boots, anything else is refused. */
class SecureBootFirmwareTest {

    private static VmSpec vm(String name) {
        return VmSpec.of(name, TestLab.HOST, 2, Sizes.parse("4GiB")).withOs("linux-server").withFirmware("secureboot");
    }

    @Test
    void theLabsOwnProfileDiskBootsAnUnsignedLoaderIsRefusedWithSecureBootViolation() {
        try (TestLab lab = PluginTestKit.lab().withFirmware(new SecureBootFirmware()).start()) {
            // the --os profile's loader is signed by the hyperlab lab CA, which the shipped db trusts
            BootRun signed = lab.boot(vm("signed"));
            assertThat(signed.state()).isEqualTo("running");
            var phases = lab.lab().timeline(java.util.List.of("signed")).stream().map(TimelinePhase::step).toList();
            assertThat(phases).contains("ovmf-secboot-init", "read-esp disk0", "verify disk0");

            lab.lab().createVm(vm("plain"));
            lab.editEfiLoader("plain", LabKey::strip);
            lab.lab().vm("plain").start();
            lab.lab().advance("5m");
            assertThat(lab.lab().vm("plain").info().reason()).isEqualTo("Secure Boot Violation: \\EFI\\BOOT\\BOOTX64.EFI"
                    + " refused on disk0 (unsigned) (BdsDxe: Access Denied)");
            assertThat(lab.faults()).isEmpty();
        }
    }

    @Test
    void aTamperedLoaderOrAForeignKeyIsRefused() throws Exception {
        KeyPair other = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        try (TestLab lab = PluginTestKit.lab().withFirmware(new SecureBootFirmware()).start()) {
            lab.lab().createVm(vm("tampered"));
            lab.editEfiLoader("tampered", loader -> {
                byte[] signed = LabKey.sign(loader);
                signed[0x90] ^= 1; // one bit of the code after signing
                return signed;
            });
            lab.lab().createVm(vm("foreign"));
            lab.editEfiLoader("foreign", loader -> LoaderSignature.sign(loader, other.getPrivate(), other.getPublic()));
            for (String name : new String[] {"tampered", "foreign"}) {
                lab.lab().vm(name).start();
                lab.lab().advance("5m");
                assertThat(lab.lab().vm(name).info().reason()).as(name)
                        .isEqualTo("Secure Boot Violation: \\EFI\\BOOT\\BOOTX64.EFI refused on disk0 (signature not in"
                                + " db) (BdsDxe: Access Denied)");
            }
        }
    }

    @Test
    void aKeyEnrolledOnTheMachineLetsItsLoaderBootThereOnly() throws Exception {
        KeyPair own = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        java.nio.file.Path pem = java.nio.file.Files.createTempFile("own", ".pem");
        java.nio.file.Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(own.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        try (TestLab lab = PluginTestKit.lab().withFirmware(new SecureBootFirmware()).start()) {
            for (String name : new String[] {"enrolled", "other"}) {
                lab.lab().createVm(vm(name));
                lab.editEfiLoader(name, loader -> LoaderSignature.sign(loader, own.getPrivate(), own.getPublic()));
            }
            lab.lab().vm("enrolled").secureBootEnroll(pem.toString());
            for (String name : new String[] {"enrolled", "other"}) {
                lab.lab().vm(name).start();
            }
            lab.lab().advance("5m");
            assertThat(lab.lab().vm("enrolled").state()).isEqualTo(dev.hyperlab.api.lab.VmState.RUNNING);
            assertThat(lab.lab().vm("other").info().reason()).isEqualTo("Secure Boot Violation: \\EFI\\BOOT\\BOOTX64.EFI"
                    + " refused on disk0 (signature not in db) (BdsDxe: Access Denied)");
        } finally {
            java.nio.file.Files.delete(pem);
        }
    }

    @Test
    void aHostWithSecureBootFirmwarePostsAsAServerAndVerifiesItsLoader() {
        try (TestLab lab = PluginTestKit.lab().withFirmware(new SecureBootFirmware()).start()) {
            BootRun host = lab.bootHost(HostSpec.of("esx9", 8, Sizes.parse("32GiB")).withFirmware("secureboot"));
            // host install lays down a loader the lab CA signed: verified after the server's POST
            assertThat(host.state()).isEqualTo("running");
            assertThat(host.phase("post")).extracting(TimelinePhase::step)
                    .containsExactly("platform-init", "memory-training", "option-roms");
        }
    }

    @Test
    void theSignatureFormatRoundTripsAndRejectsGarbage() throws Exception {
        byte[] loader = "MZ...PE\0\0HYPERLAB-BOOT os=linux-server;".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] signed = LabKey.sign(loader);
        LoaderSignature s = LoaderSignature.parse(signed).orElseThrow();
        assertThat(s.signedBytes()).isEqualTo(loader);
        assertThat(s.verifiedBy(LabKey.publicKey())).isTrue();
        assertThat(SignatureDatabase.shipped().allows(signed)).isTrue();
        assertThat(LoaderSignature.parse(loader)).isEmpty();
        byte[] truncated = Arrays.copyOf(signed, signed.length - 9);
        assertThat(LoaderSignature.parse(truncated)).isEmpty();
        byte[] badLength = signed.clone();
        badLength[signed.length - 8] = 0x7f; // the trailer's length no longer matches the header's
        assertThat(LoaderSignature.parse(badLength)).isEmpty();
    }
}
