package dev.hyperlab.shell.render;

/** A count with its noun as people write it: {@code 1 vCPU}, {@code 2 vCPUs}, {@code 0 disks}. */
public final class Plural {
    private Plural() {}

    /** {@code n} and {@code noun}, with an {@code s} unless {@code n} is one. */
    public static String of(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
