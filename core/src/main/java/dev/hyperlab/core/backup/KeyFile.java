package dev.hyperlab.core.backup;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A key file ({@code keys/ID}): the repository's random master key material sealed with AES-256-GCM under a key that
 * Argon2id derives from the password. The password never opens data directly, so it can change without rewriting
 * anything but a key file. The file is named by the SHA-256 of its bytes, so damage to it is told apart from a wrong
 * password.
 */
final class KeyFile {
    private static final byte[] AAD = "hyperlab key".getBytes(StandardCharsets.US_ASCII);

    private KeyFile() {}

    /** A new key file sealing {@code master} under {@code password}. */
    static byte[] create(char[] password, byte[] master, KdfParams params) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] kek = derive(password, salt, params);
        RepositoryCipher sealer = RepositoryCipher.of(concat(kek, new byte[32]));
        byte[] sealed = sealer.seal(AAD, master);
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
     * The master key material, or empty when {@code password} is not this file's.
     *
     * @throws RepositoryException when the file is not a well-formed key file
     */
    static java.util.Optional<byte[]> open(byte[] file, char[] password, String what) throws RepositoryException {
        Map<?, ?> json = Json.object(Json.parse(file, what), what);
        if (!"argon2id".equals(json.get("kdf"))) {
            throw new RepositoryException(what + " uses an unknown key derivation: " + json.get("kdf"));
        }
        KdfParams params;
        byte[] salt;
        byte[] sealed;
        try {
            params = new KdfParams(
                    Math.toIntExact(Json.longField(json, "memoryKiB", what)),
                    Math.toIntExact(Json.longField(json, "iterations", what)),
                    Math.toIntExact(Json.longField(json, "parallelism", what)));
            salt = Base64.getDecoder().decode(Json.field(json, "salt", String.class, what));
            sealed = Base64.getDecoder().decode(Json.field(json, "sealed", String.class, what));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new RepositoryException(what + " is damaged: " + e.getMessage(), e);
        }
        byte[] kek = derive(password, salt, params);
        RepositoryCipher opener = RepositoryCipher.of(concat(kek, new byte[32]));
        Arrays.fill(kek, (byte) 0);
        try {
            byte[] master = opener.open(AAD, sealed, what);
            if (master.length != 64) {
                throw new RepositoryException(what + " is damaged: sealed key of " + master.length + " bytes");
            }
            return java.util.Optional.of(master);
        } catch (RepositoryException wrongPassword) {
            // the file's name matched its content, so a failed tag means the password is not this key's
            return java.util.Optional.empty();
        }
    }

    static byte[] derive(char[] password, byte[] salt, KdfParams params) {
        Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(params.memoryKiB())
                .withIterations(params.iterations())
                .withParallelism(params.parallelism())
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(p);
        byte[] out = new byte[32];
        gen.generateBytes(password, out);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
