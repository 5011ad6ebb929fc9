package dev.hyperlab.core.backup;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106, version 0x13) of a password: the reference implementation ({@code libargon2.so.1}, Debian's
 * libargon2-1) through java.lang.foreign where the system has it, Bouncy Castle's Java implementation where it does
 * not. Both compute the same function (ReferenceArgon2Test checks it), so a repository opens alike either way.
 *
 * <p>Why native: a command that opens an encrypted repository derives its key once, in a JVM that has just started.
 * Bouncy Castle's Argon2 then runs mostly interpreted: at hyperlab's parameters (64 MiB, 3 passes) it took 1.3 CPU
 * seconds in a fresh JVM and 0.2 s once warm, where the C library takes 0.5 CPU seconds from the first call. That
 * second is paid by every backup command a user types.
 */
final class Argon2id {
    private static final int ARGON2_OK = 0;
    /** {@code argon2id_hash_raw}, or null when the library or native access is missing. */
    private static final MethodHandle NATIVE = link();

    private Argon2id() {}

    /** 32 bytes derived from {@code password} (as UTF-8) and {@code salt}. */
    static byte[] derive(char[] password, byte[] salt, KdfParams params) {
        if (NATIVE != null) {
            byte[] pw = utf8(password);
            try {
                return nativeDerive(pw, salt, params);
            } finally {
                Arrays.fill(pw, (byte) 0);
            }
        }
        return javaDerive(password, salt, params);
    }

    /** Whether the reference library is in use (tests compare it with the Java implementation). */
    static boolean nativeAvailable() {
        return NATIVE != null;
    }

    /** Bouncy Castle's implementation, which converts the password to UTF-8 itself. */
    static byte[] javaDerive(char[] password, byte[] salt, KdfParams params) {
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

    static byte[] nativeDerive(byte[] password, byte[] salt, KdfParams params) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pw = arena.allocate(Math.max(1, password.length));
            MemorySegment.copy(password, 0, pw, ValueLayout.JAVA_BYTE, 0, password.length);
            MemorySegment s = arena.allocateFrom(ValueLayout.JAVA_BYTE, salt);
            MemorySegment out = arena.allocate(32);
            int r;
            try {
                r = (int) NATIVE.invokeExact(params.iterations(), params.memoryKiB(), params.parallelism(), pw,
                        (long) password.length, s, (long) salt.length, out, 32L);
            } catch (Throwable t) {
                throw new IllegalStateException("libargon2 failed: " + t, t);
            } finally {
                pw.fill((byte) 0);
            }
            if (r != ARGON2_OK) {
                // parameters are bounded by KdfParams before this, so only a broken library gets here
                throw new IllegalStateException("libargon2 refused the parameters (error " + r + ")");
            }
            return out.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        if (b.hasArray()) {
            Arrays.fill(b.array(), (byte) 0);
        }
        return out;
    }

    private static MethodHandle link() {
        if (Boolean.getBoolean("hyperlab.argon2.java")
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup lib = SymbolLookup.libraryLookup("libargon2.so.1", Arena.global());
            // int argon2id_hash_raw(uint32_t t_cost, uint32_t m_cost, uint32_t parallelism, const void *pwd,
            //                       size_t pwdlen, const void *salt, size_t saltlen, void *hash, size_t hashlen)
            return linker.downcallHandle(lib.find("argon2id_hash_raw").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        } catch (RuntimeException | Error e) {
            return null; // no libargon2, or native access denied: Bouncy Castle computes the same function
        }
    }
}
