package dev.hyperlab.core.sim;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * One root seed split into independent streams, one per purpose and entity ({@code vm/web1/boot/3}). Streams are
 * derived from the key alone, never from the order of creation, so adding a VM does not change what another VM
 * draws, and nothing needs saving: a loaded lab derives the same stream again from the same key.
 */
public final class RandomStreams {
    private final long seed;

    public RandomStreams(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The stream for {@code key}. */
    public SplittableRandom stream(String key) {
        return new SplittableRandom(mix(seed ^ fnv1a(key)));
    }

    /** A seed derived from a key alone (no lab seed): for things that must be identical in every lab. */
    public static long stable(String key) {
        return mix(fnv1a(key));
    }

    /** FNV-1a over the UTF-8 bytes: stable across JVMs (unlike identity hash codes). */
    static long fnv1a(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser: spreads nearby inputs over the whole range. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
