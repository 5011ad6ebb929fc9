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

    /**
     * The most a key file may ask for: twice what hyperlab itself chooses in each parameter ({@link #DEFAULT}), which
     * is at most four times its time and twice its memory (128 MiB). A key file is data from the repository, which may
     * be hostile: without a bound, one asking for 4 GiB and 100 passes would make every open take minutes and
     * gigabytes before the password is even checked.
     */
    public static final KdfParams MAX = new KdfParams(2 * 64 * 1024, 2 * 3, 2 * 2);

    /** Checks the parameters are ones Argon2 accepts, not uselessly weak, and within {@link #MAX}. */
    public KdfParams {
        if (parallelism < 1 || iterations < 1 || memoryKiB < 8 * parallelism) {
            throw new IllegalArgumentException("bad Argon2id parameters: memory " + memoryKiB + " KiB, " + iterations
                    + " passes, " + parallelism + " lanes");
        }
        if (MAX != null && !within(memoryKiB, iterations, parallelism)) {
            throw new IllegalArgumentException("Argon2id with memory " + memoryKiB + " KiB, " + iterations
                    + " passes, " + parallelism + " lanes is more than hyperlab allows (" + MAX.describe() + ")");
        }
    }

    private static boolean within(long memoryKiB, long iterations, long parallelism) {
        return memoryKiB <= MAX.memoryKiB && iterations <= MAX.iterations && parallelism <= MAX.parallelism;
    }

    private String describe() {
        return "at most " + memoryKiB + " KiB, " + iterations + " passes, " + parallelism + " lanes";
    }

    /**
     * The parameters a key file asks for, refused before any work when they exceed {@link #MAX}.
     *
     * @throws RepositoryException naming {@code what} when they are out of bounds or not valid Argon2id parameters
     */
    static KdfParams bounded(long memoryKiB, long iterations, long parallelism, String what)
            throws RepositoryException {
        if (!within(memoryKiB, iterations, parallelism)) {
            throw new RepositoryException(what + " asks for more than hyperlab allows: Argon2id with memory " + memoryKiB
                    + " KiB, " + iterations + " passes, " + parallelism + " lanes (" + MAX.describe()
                    + "); refusing it unopened");
        }
        if (memoryKiB < 1 || iterations < 1 || parallelism < 1) {
            throw new RepositoryException(what + " is damaged: Argon2id with memory " + memoryKiB + " KiB, "
                    + iterations + " passes, " + parallelism + " lanes");
        }
        try {
            return new KdfParams((int) memoryKiB, (int) iterations, (int) parallelism);
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(what + " is damaged: " + e.getMessage(), e);
        }
    }
}
