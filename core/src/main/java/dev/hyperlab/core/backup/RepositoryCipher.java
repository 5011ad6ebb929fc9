package dev.hyperlab.core.backup;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens everything a repository stores: with no key the bytes pass through unchanged; with a key every
 * blob, pack header, index and manifest is sealed with AES-256-GCM under a fresh 96-bit nonce, so a changed byte
 * anywhere fails authentication. The associated data binds each sealed item to what it is (a blob's id and type, a
 * file's kind), so blobs cannot be swapped for one another unnoticed.
 *
 * <p>File names are content ids: SHA-256 of the plaintext in a plain repository, HMAC-SHA256 under a second key in
 * an encrypted one, so names are reproducible yet reveal nothing about the content without the key.
 *
 * <p>Nonces are the one use of randomness here (with key generation): GCM needs unique nonces, and deriving them
 * from content would repeat a nonce if a compressor version ever encoded the same blob differently. They change only
 * ciphertext bytes, never ids, sizes or counts.
 */
final class RepositoryCipher {
    static final int NONCE = 12;
    static final int TAG = 16;
    /** Bytes a sealed item is longer than its plaintext. */
    static final int OVERHEAD = NONCE + TAG;

    private static final RepositoryCipher PLAIN = new RepositoryCipher(null, null, null);
    /** What the config's MAC key is derived for, so it is never the key of anything else. */
    private static final byte[] CONFIG_KEY_LABEL = "hyperlab config mac key".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec encKey;
    private final SecretKeySpec idKey;
    /** Authenticates the config (as restic binds its config to the master key); null in a plain repository. */
    private final SecretKeySpec configKey;
    private final ThreadLocal<Cipher> ciphers;
    private final ThreadLocal<Mac> macs;
    private final ThreadLocal<SecureRandom> random = ThreadLocal.withInitial(SecureRandom::new);

    private RepositoryCipher(byte[] enc, byte[] id, byte[] config) {
        this.encKey = enc == null ? null : new SecretKeySpec(enc, "AES");
        this.idKey = id == null ? null : new SecretKeySpec(id, "HmacSHA256");
        this.configKey = config == null ? null : new SecretKeySpec(config, "HmacSHA256");
        this.ciphers = ThreadLocal.withInitial(() -> {
            try {
                return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks AES-GCM", e);
            }
        });
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(idKey);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks HMAC-SHA256", e);
            }
        });
    }

    /** No encryption. */
    static RepositoryCipher plain() {
        return PLAIN;
    }

    /** AES-256-GCM with {@code master} = 32 bytes of encryption key then 32 bytes of id key. */
    static RepositoryCipher of(byte[] master) {
        if (master.length != 64) {
            throw new IllegalArgumentException("master key material must be 64 bytes");
        }
        return new RepositoryCipher(Arrays.copyOfRange(master, 0, 32), Arrays.copyOfRange(master, 32, 64),
                hmac(new SecretKeySpec(master, "HmacSHA256"), CONFIG_KEY_LABEL));
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HMAC-SHA256", e);
        }
    }

    /**
     * The MAC of the config's content (HMAC-SHA256 under a key derived from the master key), in hex: only the
     * password's holder can write a config that verifies. Encrypted repositories only.
     */
    String configMac(byte[] content) {
        if (!encrypted()) {
            throw new IllegalStateException("a plain repository has no key to authenticate its config with");
        }
        return ObjectId.wrap(hmac(configKey, content)).hex();
    }

    boolean encrypted() {
        return encKey != null;
    }

    /** Bytes a sealed item is longer than its plaintext: 0 in a plain repository. */
    int overhead() {
        return encrypted() ? OVERHEAD : 0;
    }

    /** The name a file with this plaintext gets. */
    ObjectId fileId(byte[] data, int offset, int length) {
        if (!encrypted()) {
            return ObjectId.sha256(data, offset, length);
        }
        Mac mac = macs.get();
        mac.update(data, offset, length);
        return ObjectId.wrap(mac.doFinal());
    }

    ObjectId fileId(byte[] data) {
        return fileId(data, 0, data.length);
    }

    /**
     * Seals {@code src[off, off + len)} into {@code dst} at {@code dstOff} (which has room for {@code len +
     * overhead()} bytes) and returns the sealed length. Plain: copies.
     */
    int seal(byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
        if (!encrypted()) {
            System.arraycopy(src, off, dst, dstOff, len);
            return len;
        }
        byte[] nonce = new byte[NONCE];
        random.get().nextBytes(nonce);
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.ENCRYPT_MODE, encKey, new GCMParameterSpec(TAG * 8, nonce));
            c.updateAAD(aad);
            System.arraycopy(nonce, 0, dst, dstOff, NONCE);
            return NONCE + c.doFinal(src, off, len, dst, dstOff + NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    byte[] seal(byte[] aad, byte[] plaintext) {
        byte[] out = new byte[plaintext.length + overhead()];
        seal(aad, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /**
     * Opens {@code src[off, off + len)} into {@code dst} at 0 and returns the plaintext length.
     *
     * @throws RepositoryException naming {@code what} when authentication fails (the item was changed or damaged)
     */
    int open(byte[] aad, byte[] src, int off, int len, byte[] dst, String what) throws RepositoryException {
        if (!encrypted()) {
            System.arraycopy(src, off, dst, 0, len);
            return len;
        }
        if (len < OVERHEAD) {
            throw new RepositoryException(what + " is damaged: too short to be sealed");
        }
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.DECRYPT_MODE, encKey, new GCMParameterSpec(TAG * 8, src, off, NONCE));
            c.updateAAD(aad);
            return c.doFinal(src, off + NONCE, len - NONCE, dst, 0);
        } catch (AEADBadTagException e) {
            throw new RepositoryException(what + " is damaged: authentication failed (changed bytes)", e);
        } catch (GeneralSecurityException e) {
            throw new RepositoryException(what + " cannot be decrypted: " + e.getMessage(), e);
        }
    }

    byte[] open(byte[] aad, byte[] sealed, String what) throws RepositoryException {
        if (!encrypted()) {
            return sealed;
        }
        byte[] out = new byte[Math.max(0, sealed.length - OVERHEAD)];
        int n = open(aad, sealed, 0, sealed.length, out, what);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
