package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference C library (libargon2, what hyperlab uses where the system has it) and Bouncy Castle (the fallback)
 * derive the same key, so a repository made with one opens with the other: passwords in and beyond ASCII, salts and
 * every parameter varied. CI installs libargon2-1, so there this runs rather than being skipped.
 */
class ReferenceArgon2Test {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bench|0011223344556677|64|1|1",
        "correct horse battery staple|a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5|256|3|2",
        "pässwörd 🔑|0102030405060708090a0b0c0d0e0f10|1024|2|4",
        "''|ffffffffffffffff|32|1|4",
    })
    void theReferenceLibraryAndBouncyCastleDeriveTheSameKey(String password, String saltHex, int memoryKiB,
            int iterations, int lanes) {
        assumeTrue(Argon2id.nativeAvailable(), "libargon2.so.1 is not installed (Debian: libargon2-1)");
        byte[] salt = java.util.HexFormat.of().parseHex(saltHex);
        KdfParams params = new KdfParams(memoryKiB, iterations, lanes);
        byte[] reference = Argon2id.nativeDerive(password.getBytes(StandardCharsets.UTF_8), salt, params);
        assertThat(reference).hasSize(32)
                .isEqualTo(Argon2id.javaDerive(password.toCharArray(), salt, params))
                .isEqualTo(Argon2id.derive(password.toCharArray(), salt, params));
    }
}
