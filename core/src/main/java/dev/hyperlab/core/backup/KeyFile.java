package dev.hyperlab.core.backup;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A key file ({@code keys/ID}): the repository's random master key material sealed with AES-256-GCM under a key that
 * Argon2id derives from the password. The password never opens data directly, so it can change without rewriting
 * anything but a key file. The file is named by the SHA-256 of its bytes, so damage to it is told apart from a wrong
 * password.
 */
final class KeyFile {
    private static final byte[] AAD = "hyperlab key".getBytes(StandardCharsets.US_ASCII);
    /**
     * Sealed after the 64 bytes of master key material by every key file written since configs are authenticated: the
     * key vouches that its repository's config carries a MAC. Inside the seal, so nobody without the password can
     * turn such a key into one of the older kind, whose repositories' configs have no MAC.
     */
    private static final byte AUTHENTICATED_CONFIG = 1;

    private KeyFile() {}

    /**
     * What a key file holds.
     *
     * @param master the 64 bytes of master key material
     * @param configAuthenticated whether the repository's config must carry a MAC (false only for key files written
     *     before configs were authenticated)
     */
    record Opened(byte[] master, boolean configAuthenticated) {}

    /** A new key file sealing {@code master} under {@code password}. */
    static byte[] create(char[] password, byte[] master, KdfParams params) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] kek = Argon2id.derive(password, salt, params);
        RepositoryCipher sealer = RepositoryCipher.of(concat(kek, new byte[32]));
        byte[] sealed = sealer.seal(AAD, concat(master, new byte[] {AUTHENTICATED_CONFIG}));
        Arrays.fill(kek, (byte) 0);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kdf", "argon2id");
        json.put("memoryKiB", params.memoryKiB());
        json.put("iterations", params.iterations());
        json.put("parallelism", params.parallelism());
        json.put("salt", Base64.getEncoder().encodeToString(salt));
        json.put("sealed", Base64.getEncoder().encodeToString(sealed));
        return Json.write(json);
    }

    /**
     * The master key material, or empty when {@code password} is not this file's. The derivation's cost is checked
     * against {@link KdfParams#MAX} before anything is derived, so a key file cannot make opening take minutes or
     * gigabytes.
     *
     * @throws RepositoryException when the file is not a well-formed key file or asks for a costlier derivation
     */
    static java.util.Optional<Opened> open(byte[] file, char[] password, String what) throws RepositoryException {
        Map<?, ?> json = Json.object(Json.parse(file, what), what);
        if (!"argon2id".equals(json.get("kdf"))) {
            throw new RepositoryException(what + " uses an unknown key derivation: "
                    + DiskNames.quote(String.valueOf(json.get("kdf"))));
        }
        KdfParams params = KdfParams.bounded(Json.longField(json, "memoryKiB", what),
                Json.longField(json, "iterations", what), Json.longField(json, "parallelism", what), what);
        byte[] salt;
        byte[] sealed;
        try {
            salt = Base64.getDecoder().decode(Json.field(json, "salt", String.class, what));
            sealed = Base64.getDecoder().decode(Json.field(json, "sealed", String.class, what));
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(what + " is damaged: " + e.getMessage(), e);
        }
        if (salt.length < 8 || salt.length > 64) {
            throw new RepositoryException(what + " is damaged: a salt of " + salt.length + " bytes");
        }
        byte[] kek = Argon2id.derive(password, salt, params);
        RepositoryCipher opener = RepositoryCipher.of(concat(kek, new byte[32]));
        Arrays.fill(kek, (byte) 0);
        byte[] plain;
        try {
            plain = opener.open(AAD, sealed, what);
        } catch (RepositoryException wrongPassword) {
            // the file's name matched its content, so a failed tag means the password is not this key's
            return java.util.Optional.empty();
        }
        if (plain.length == 64) {
            return java.util.Optional.of(new Opened(plain, false));
        }
        if (plain.length == 65 && plain[64] == AUTHENTICATED_CONFIG) {
            return java.util.Optional.of(new Opened(Arrays.copyOf(plain, 64), true));
        }
        throw new RepositoryException(what + " is damaged: sealed key of " + plain.length + " bytes");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
