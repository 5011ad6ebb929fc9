package dev.hyperlab.plugins.secureboot;

import dev.hyperlab.api.spi.LoaderSignature;
import dev.hyperlab.core.firmware.LabCa;
import java.security.PublicKey;

/** The hyperlab lab CA, whose public half the plugin's db ships (its private half is published on purpose). */
final class LabKey {
    private LabKey() {}

    static PublicKey publicKey() {
        return SignatureDatabase.shipped().keys().getFirst();
    }

    /** Signs a loader with the lab CA, replacing any signature it carries. */
    static byte[] sign(byte[] loader) {
        return LabCa.sign(loader);
    }

    /** The loader without its signature. */
    static byte[] strip(byte[] loader) {
        return LoaderSignature.unsigned(loader);
    }
}
