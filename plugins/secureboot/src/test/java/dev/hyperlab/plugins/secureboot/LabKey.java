package dev.hyperlab.plugins.secureboot;

import java.io.InputStream;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;

/** The lab signing key: the private half of the key the plugin's db ships (published on purpose, for labs). */
final class LabKey {
    private LabKey() {}

    static PrivateKey privateKey() throws Exception {
        try (InputStream in = LabKey.class.getResourceAsStream("lab-signing-key.pk8")) {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(in.readAllBytes()));
        }
    }

    static PublicKey publicKey() {
        return SignatureDatabase.shipped().keys().getFirst();
    }

    /** Signs a loader with the lab key. */
    static byte[] sign(byte[] loader) {
        try {
            return LoaderSignature.sign(loader, privateKey(), publicKey());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
