package dev.hyperlab.core.engine.machine;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.SecureBootKey;
import dev.hyperlab.core.engine.persist.SavedDoc;
import dev.hyperlab.core.firmware.SigningKeys;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The keys a machine's user enrolled in its firmware's Secure Boot db: what a VM's NVRAM (OVMF_VARS) or a host's
 * MOK list holds on top of the firmware's own keys. Saved with the machine; handed to firmware models as
 * {@link dev.hyperlab.api.spi.MachineContext#enrolledKeys()}.
 */
public final class EnrolledKeys {
    /** Made with the first key: most machines enroll none, and a storm makes 100,000 of them. */
    private List<SigningKeys.PublicHalf> keys = List.of();

    private List<SigningKeys.PublicHalf> writable() {
        if (!(keys instanceof ArrayList)) {
            keys = new ArrayList<>(keys);
        }
        return keys;
    }

    /** Adds {@code key} to {@code kind} ({@code vm}, {@code host}) {@code machine}; refuses one already enrolled. */
    public SecureBootKey enroll(String kind, String machine, SigningKeys.PublicHalf key) {
        for (SigningKeys.PublicHalf k : keys) {
            if (k.keyId().equals(key.keyId())) {
                throw LabException.conflict("key " + key.keyId() + " is enrolled on " + machine + " already",
                        kind + " secureboot show " + machine + " lists its keys");
            }
        }
        writable().add(key);
        return info(key);
    }

    /** Enrolls {@code other}'s keys here, in their order (a clone's copy of the NVRAM, as virt-clone makes it). */
    public void copyFrom(EnrolledKeys other) {
        if (!other.keys.isEmpty()) {
            writable().addAll(other.keys);
        }
    }

    /** The public keys, in the order enrolled. */
    public List<PublicKey> publicKeys() {
        if (keys.isEmpty()) {
            return List.of(); // most machines enroll none: every VM boot asks
        }
        return keys.stream().map(SigningKeys.PublicHalf::key).toList();
    }

    /** The keys as the facade shows them, in the order enrolled. */
    public List<SecureBootKey> info() {
        return keys.stream().map(EnrolledKeys::info).toList();
    }

    private static SecureBootKey info(SigningKeys.PublicHalf k) {
        return new SecureBootKey(k.keyId(), k.subject());
    }

    /** Writes the keys as the field {@code secureBootKeys}, only when there are any (older labs have none). */
    void save(JsonGenerator g) throws IOException {
        if (keys.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("secureBootKeys");
        for (SigningKeys.PublicHalf k : keys) {
            g.writeStartObject();
            g.writeStringField("subject", k.subject());
            g.writeStringField("key", Base64.getEncoder().encodeToString(k.key().getEncoded()));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Reads what {@link #save} wrote into a machine's saved object {@code m}. */
    @SuppressWarnings("unchecked")
    void restore(Map<String, Object> m) throws IOException {
        if (!(m.get("secureBootKeys") instanceof List<?> list)) {
            return;
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> entry)) {
                throw new IOException("secureBootKeys holds " + o + ", not a key");
            }
            Map<String, Object> e = (Map<String, Object>) entry;
            try {
                PublicKey key = KeyFactory.getInstance("RSA").generatePublic(
                        new X509EncodedKeySpec(Base64.getDecoder().decode(SavedDoc.str(e, "key"))));
                writable().add(new SigningKeys.PublicHalf(key, SavedDoc.str(e, "subject")));
            } catch (GeneralSecurityException | IllegalArgumentException ex) {
                throw new IOException("secureBootKeys holds a damaged key: " + ex.getMessage(), ex);
            }
        }
    }
}
