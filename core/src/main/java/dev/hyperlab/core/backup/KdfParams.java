package dev.hyperlab.core.backup;

/**
 * Argon2id cost parameters for turning a password into a key.
 *
 * @param memoryKiB memory the derivation fills, in KiB: what makes guessing expensive on GPUs
 * @param iterations passes over that memory
 * @param parallelism lanes (threads the memory is split into)
 */
public record KdfParams(int memoryKiB, int iterations, int parallelism) {

    /**
     * 64 MiB, 3 passes, 2 lanes: RFC 9106's second recommended option (64 MiB, t=3) with the lanes this 2-core
     * machine has. Well under the 256 MiB heap budget, and about half a second here, paid once per open.
     */
    public static final KdfParams DEFAULT = new KdfParams(64 * 1024, 3, 2);

    /** Checks the parameters are ones Argon2 accepts and not uselessly weak. */
    public KdfParams {
        if (parallelism < 1 || parallelism > 16 || iterations < 1 || iterations > 100
                || memoryKiB < 8 * parallelism || memoryKiB > 4 * 1024 * 1024) {
            throw new IllegalArgumentException(
                    "bad Argon2id parameters: memory " + memoryKiB + " KiB, " + iterations + " passes, " + parallelism
                            + " lanes");
        }
    }
}
