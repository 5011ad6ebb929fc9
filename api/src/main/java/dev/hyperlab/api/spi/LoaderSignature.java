package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The signature scheme of hyperlab's Secure Boot model: Authenticode-like, not Authenticode. hyperlab signs the
 * loaders its OS profiles lay down with it ("hyperlab lab CA") and {@code disk sign} signs a user's loader with it; a
 * Secure Boot firmware model verifies it. A signed EFI loader is the loader's bytes followed by a signature block and
 * an eight-byte trailer:
 *
 * <pre>
 * [ loader, N bytes ]
 * [ WIN_CERTIFICATE-like header: u32 dwLength, u16 wRevision = 0x0200, u16 wCertificateType = 0x0EF1 ]
 * [ key id: SHA-256 of the signer's public key (X.509 SubjectPublicKeyInfo), 32 bytes ]
 * [ signature: RSASSA-PKCS1-v1_5 with SHA-256 over the N loader bytes ]
 * [ u32 dwLength ][ "HLSB" ]
 * </pre>
 *
 * All integers little-endian, as in PE/COFF. Where real Authenticode puts a PKCS#7 SignedData in the PE's certificate
 * table and hashes the image without its checksum and certificate directory, this scheme signs every byte before the
 * block, which the lab's minimal loaders (an MZ header, a PE signature and a boot tag) allow; the verification
 * (is the signer in db, does the signature hold) is the same decision UEFI's image verification makes.
 *
 * <pre>{@code
 * byte[] signed = LoaderSignature.sign(loader, privateKey, publicKey);
 * LoaderSignature.parse(signed).get().verifiedBy(publicKey); // true
 * }</pre>
 *
 * <p>A loader holds one signature: signing a signed loader replaces its signature, as {@code sbattach --remove} then
 * {@code sbsign} would.
 *
 * @param signedBytes the loader's bytes, without the block
 * @param keyId SHA-256 of the signer's public key
 * @param signature the RSA signature
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record LoaderSignature(byte[] signedBytes, byte[] keyId, byte[] signature) {
    private static final short REVISION = 0x0200;
    private static final short TYPE = 0x0EF1;
    private static final byte[] MAGIC = "HLSB".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 8 + 32;

    /** The signature block of {@code image}, if it has a well-formed one. */
    public static Optional<LoaderSignature> parse(byte[] image) {
        if (image.length < HEADER + 8 || !Arrays.equals(image, image.length - 4, image.length, MAGIC, 0, 4)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        long length = Integer.toUnsignedLong(b.getInt(image.length - 8));
        long start = image.length - 8L - length;
        if (length < HEADER + 1 || start < 0) {
            return Optional.empty();
        }
        int at = (int) start;
        if (Integer.toUnsignedLong(b.getInt(at)) != length || b.getShort(at + 4) != REVISION
                || b.getShort(at + 6) != TYPE) {
            return Optional.empty();
        }
        byte[] keyId = Arrays.copyOfRange(image, at + 8, at + HEADER);
        byte[] signature = Arrays.copyOfRange(image, at + HEADER, at + (int) length);
        return Optional.of(new LoaderSignature(Arrays.copyOf(image, at), keyId, signature));
    }

    /** Whether {@code key} is the signer and its signature over the loader holds. */
    public boolean verifiedBy(PublicKey key) {
        if (!Arrays.equals(keyId, keyId(key))) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key);
            s.update(signedBytes);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a key or signature this JDK cannot use verifies nothing
        }
    }

    /** {@code image} without its signature block: the loader as it was before signing ({@code image} if unsigned). */
    public static byte[] unsigned(byte[] image) {
        return parse(image).map(LoaderSignature::signedBytes).orElse(image);
    }

    /**
     * {@code loader} with a signature block by {@code key} appended ({@code publicKey} names the signer), in place of
     * the signature block it may already carry.
     *
     * @throws IllegalArgumentException when {@code key} cannot make an RSA signature
     */
    public static byte[] sign(byte[] loader, PrivateKey key, PublicKey publicKey) {
        loader = unsigned(loader);
        byte[] sig;
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(loader);
            sig = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
        int length = HEADER + sig.length;
        ByteBuffer b = ByteBuffer.allocate(loader.length + length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(loader).putInt(length).putShort(REVISION).putShort(TYPE).put(keyId(publicKey)).put(sig)
                .putInt(length).put(MAGIC);
        return b.array();
    }

    /** SHA-256 of a public key's X.509 encoding: how a signature names its signer. */
    public static byte[] keyId(PublicKey key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
