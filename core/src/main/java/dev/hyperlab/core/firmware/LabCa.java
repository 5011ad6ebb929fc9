package dev.hyperlab.core.firmware;

import dev.hyperlab.api.spi.LoaderSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * The "hyperlab lab CA": the key pair that signs the EFI loaders hyperlab's OS profiles lay down, as Microsoft's UEFI
 * CA signs the shim real distributions boot through. A Secure Boot firmware model trusts it by default (the secureboot
 * plugin's db ships its public key), so a lab's {@code --os} disks boot under Secure Boot.
 *
 * <p>Its private half ({@code lab-ca.key.pem}) is published on purpose, as Debian's OVMF test keys and the snakeoil
 * certificate are: it lets a lab sign what it boots, and proves nothing outside a lab. Never enroll it in a real
 * machine's firmware.
 *
 * <pre>{@code
 * byte[] signed = LabCa.sign(loader); // verifies against LabCa.publicKey()
 * }</pre>
 */
public final class LabCa {
    /** The certificate's common name. */
    public static final String NAME = "hyperlab lab CA";

    private LabCa() {}

    /** The key pair, read once from the resources. */
    private static final class Keys {
        static final String CERTIFICATE_PEM = resource("lab-ca.crt.pem");
        static final PrivateKey PRIVATE = SigningKeys.privateKey(resource("lab-ca.key.pem"), "the lab CA's key");
        static final PublicKey PUBLIC = SigningKeys.publicKey(CERTIFICATE_PEM, "the lab CA's certificate");
    }

    /** {@code loader} signed by the lab CA (replacing a signature it may carry). */
    public static byte[] sign(byte[] loader) {
        return LoaderSignature.sign(loader, Keys.PRIVATE, Keys.PUBLIC);
    }

    /** The lab CA's public key, as a firmware's db holds it. */
    public static PublicKey publicKey() {
        return Keys.PUBLIC;
    }

    /** The lab CA's X.509 certificate, PEM. */
    public static String certificatePem() {
        return Keys.CERTIFICATE_PEM;
    }

    private static String resource(String name) {
        try (InputStream in = LabCa.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from hyperlab-core");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }
}
