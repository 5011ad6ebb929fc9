package dev.hyperlab.core.firmware;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.spi.LoaderSignature;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;

/**
 * The PEM files {@code sbsign}, {@code mokutil} and OVMF's key enrollment take, read for Secure Boot: an RSA private
 * key (PKCS#8 {@code PRIVATE KEY}, as {@code openssl req -newkey rsa:2048 -nodes} writes it, or PKCS#1
 * {@code RSA PRIVATE KEY}), and an X.509 {@code CERTIFICATE} or a {@code PUBLIC KEY}. Anything else is refused with a
 * one-line {@link LabException} ({@code INVALID}) that names the file.
 */
public final class SigningKeys {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    /** The smallest RSA key UEFI's db takes for image signatures (EFI_CERT_RSA2048). */
    private static final int MIN_BITS = 2048;
    private static final String MAKE_ONE = "make one with openssl req -new -x509 -newkey rsa:2048 -nodes -keyout KEY.pem "
            + "-out CERT.pem -subj /CN=me";

    /**
     * A signer's public half and the name it goes by.
     *
     * @param key the RSA public key
     * @param subject the certificate's subject ({@code CN=me}), or empty for a bare public key
     */
    public record PublicHalf(PublicKey key, String subject) {
        /** SHA-256 of the key's SubjectPublicKeyInfo, hex: how a signature names its signer. */
        public String keyId() {
            return HexFormat.of().formatHex(LoaderSignature.keyId(key));
        }
    }

    /** A PEM key or certificate is a few KiB; a larger file is not one, and is not read whole. */
    private static final long MAX_PEM_BYTES = 1 << 20;

    private SigningKeys() {}

    /** The text of PEM file {@code file}, as {@code what} (e.g. "the key") names it in errors. */
    public static String readPem(String file, String what) {
        if (file == null || file.isBlank()) {
            throw LabException.invalid("no file given for " + what, "name a PEM file");
        }
        java.nio.file.Path p;
        try {
            p = java.nio.file.Path.of(file).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw LabException.invalid("'" + file + "' is not a valid path", e.getReason());
        }
        try {
            if (!java.nio.file.Files.isRegularFile(p)) {
                throw LabException.notFound("no file " + p + " for " + what, "give the path of a PEM file");
            }
            if (java.nio.file.Files.size(p) > MAX_PEM_BYTES) {
                throw LabException.invalid(p + " is not a PEM file: " + java.nio.file.Files.size(p) + " bytes",
                        "give " + what + " in PEM form");
            }
            return java.nio.file.Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw LabException.invalid("cannot read " + p + ": " + e.getMessage(), "check its permissions");
        }
    }

    /** The RSA private key in PEM text {@code pem}; {@code where} names the file in errors. */
    public static PrivateKey privateKey(String pem, String where) {
        Matcher m = block(pem, where, "an RSA private key");
        String type = m.group(1);
        byte[] der = base64(m.group(2), where);
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey key = switch (type) {
                case "PRIVATE KEY" -> {
                    String algorithm = algorithm(der, where);
                    if (!algorithm.equals("1.2.840.113549.1.1.1")) {
                        throw LabException.invalid(where + " holds a non-RSA private key: algorithm " + algorithm,
                                "Secure Boot loaders are signed with RSA: " + MAKE_ONE);
                    }
                    yield rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
                }
                case "RSA PRIVATE KEY" -> {
                    RSAPrivateKey k = RSAPrivateKey.getInstance(der);
                    yield rsa.generatePrivate(new RSAPrivateCrtKeySpec(k.getModulus(), k.getPublicExponent(),
                            k.getPrivateExponent(), k.getPrime1(), k.getPrime2(), k.getExponent1(), k.getExponent2(),
                            k.getCoefficient()));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw LabException.invalid(where + " holds an encrypted private key",
                        "sbsign takes an unencrypted one: openssl pkey -in KEY.pem -out PLAIN.pem");
                default -> throw LabException.invalid(where + " holds a " + type + ", not a private key",
                        "give the PEM private key (-----BEGIN PRIVATE KEY-----)");
            };
            return requireSize(key, where);
        } catch (GeneralSecurityException | RuntimeException e) { // a parser's own exceptions: damage
            if (e instanceof LabException le) {
                throw le;
            }
            throw LabException.invalid(where + " holds a damaged private key", MAKE_ONE);
        }
    }

    /** The RSA public key of PEM text {@code pem}: an X.509 certificate's, or a bare public key. */
    public static PublicKey publicKey(String pem, String where) {
        return publicHalf(pem, where).key();
    }

    /** The RSA public key of PEM text {@code pem} with its certificate's subject (empty for a bare public key). */
    public static PublicHalf publicHalf(String pem, String where) {
        Matcher m = block(pem, where, "an X.509 certificate or public key");
        String type = m.group(1);
        byte[] der = base64(m.group(2), where);
        PublicKey key;
        String subject = "";
        try {
            switch (type) {
                case "CERTIFICATE" -> {
                    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der));
                    key = c.getPublicKey();
                    subject = c.getSubjectX500Principal().getName(X500Principal.RFC2253);
                }
                case "PUBLIC KEY" -> {
                    String algorithm = algorithmOfPublic(der, where);
                    if (!algorithm.equals("1.2.840.113549.1.1.1")) {
                        throw LabException.invalid(where + " holds a non-RSA public key: algorithm " + algorithm,
                                "Secure Boot keys are RSA: " + MAKE_ONE);
                    }
                    key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
                }
                default -> throw LabException.invalid(where + " holds a " + type
                        + ", not a certificate or public key", "give the PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
        } catch (GeneralSecurityException | RuntimeException e) { // a parser's own exceptions: damage
            if (e instanceof LabException le) {
                throw le;
            }
            throw LabException.invalid(where + " holds a damaged " + type.toLowerCase(java.util.Locale.ROOT), MAKE_ONE);
        }
        if (!key.getAlgorithm().equals("RSA")) {
            throw LabException.invalid(where + " holds a " + key.getAlgorithm() + " key, not an RSA one",
                    "Secure Boot keys are RSA: " + MAKE_ONE);
        }
        requireSize(key, where);
        return new PublicHalf(key, subject);
    }

    /** Refuses a private key that is not the other half of {@code certificate}'s key. */
    public static void requirePair(PrivateKey key, PublicKey certificate, String keyFile, String certFile) {
        BigInteger a = ((RSAKey) key).getModulus();
        BigInteger b = ((RSAKey) certificate).getModulus();
        if (!a.equals(b)) {
            throw LabException.invalid("the key " + keyFile + " does not match the certificate " + certFile,
                    "give the key the certificate was made with: openssl x509 -noout -modulus and openssl rsa "
                            + "-noout -modulus print the same for a pair");
        }
    }

    private static <K extends java.security.Key> K requireSize(K key, String where) {
        int bits = ((RSAKey) key).getModulus().bitLength();
        if (bits < MIN_BITS) {
            throw LabException.invalid(where + " holds an RSA key of " + bits + " bits", "UEFI takes 2048 bits or "
                    + "more: " + MAKE_ONE);
        }
        return key;
    }

    private static Matcher block(String pem, String where, String wanted) {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw LabException.invalid(where + " is not a PEM file: no -----BEGIN ...----- block",
                    "give " + wanted + " in PEM form");
        }
        return m;
    }

    private static byte[] base64(String text, String where) {
        try {
            return Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw LabException.invalid(where + " holds a PEM block that is not base64", MAKE_ONE);
        }
    }

    private static String algorithm(byte[] pkcs8, String where) {
        try {
            return PrivateKeyInfo.getInstance(pkcs8).getPrivateKeyAlgorithm().getAlgorithm().getId();
        } catch (RuntimeException e) {
            throw LabException.invalid(where + " holds a damaged private key", MAKE_ONE);
        }
    }

    private static String algorithmOfPublic(byte[] spki, String where) {
        try {
            return org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(spki).getAlgorithm().getAlgorithm()
                    .getId();
        } catch (RuntimeException e) {
            throw LabException.invalid(where + " holds a damaged public key", MAKE_ONE);
        }
    }
}
