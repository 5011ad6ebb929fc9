package dev.hyperlab.plugins.secureboot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import dev.hyperlab.api.spi.LoaderSignature;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * UEFI's {@code db}: the public keys a loader must be signed with. This plugin ships one, the "hyperlab lab CA"
 * ({@code db.pem}, PEM SubjectPublicKeyInfo blocks; more blocks, more keys), which signs the loaders the lab's OS
 * profiles lay down, as real db's ship Microsoft's UEFI CA, which signs the distributions' shim. Its private half is
 * published on purpose (hyperlab-core's {@code lab-ca.key.pem}), as Debian's OVMF test keys are: it lets a lab sign
 * what it boots, and says nothing about security outside a lab. A machine's user adds keys of their own
 * ({@code vm secureboot enroll}), which reach the firmware as {@link dev.hyperlab.api.spi.MachineContext#enrolledKeys()}.
 */
public final class SignatureDatabase {
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    private final List<PublicKey> keys;

    private SignatureDatabase(List<PublicKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The db this plugin ships. */
    public static SignatureDatabase shipped() {
        try (InputStream in = SignatureDatabase.class.getResourceAsStream("db.pem")) {
            if (in == null) {
                throw new IllegalStateException("db.pem is missing from the secureboot plugin");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the secureboot plugin's db.pem", e);
        }
    }

    /** The keys of PEM text. */
    public static SignatureDatabase parse(String pem) {
        List<PublicKey> out = new ArrayList<>();
        Matcher m = PEM.matcher(pem);
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            while (m.find()) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(1));
                out.add(rsa.generatePublic(new X509EncodedKeySpec(der)));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA public key in the db: " + e.getMessage(), e);
        }
        return new SignatureDatabase(out);
    }

    /** The keys, in file order. */
    public List<PublicKey> keys() {
        return keys;
    }

    /** Whether {@code image} carries a signature block by one of the db's keys that verifies. */
    public boolean allows(byte[] image) {
        return allows(image, List.of());
    }

    /** Whether {@code image} carries a signature block that verifies by one of the db's keys or of {@code enrolled}. */
    public boolean allows(byte[] image, List<PublicKey> enrolled) {
        return LoaderSignature.parse(image).map(s -> keys.stream().anyMatch(s::verifiedBy)
                || enrolled.stream().anyMatch(s::verifiedBy)).orElse(false);
    }
}
