package dev.hyperlab.core.backup;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 256-bit content address: the SHA-256 of a blob's bytes, or the name of a repository file. Immutable; equality
 * and hash code come from the bytes, never from identity, so maps keyed by ids behave the same in every run.
 */
public final class ObjectId implements Comparable<ObjectId> {
    /** Length of an id in bytes. */
    public static final int LENGTH = 32;

    private static final HexFormat HEX = HexFormat.of();
    private final byte[] bytes;
    private final int hash;

    private ObjectId(byte[] bytes) {
        this.bytes = bytes;
        // the bytes are a cryptographic hash, so any four of them are a well-spread hash code
        this.hash = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    /** Copies 32 bytes from {@code src} at {@code offset}. */
    public static ObjectId of(byte[] src, int offset) {
        return new ObjectId(Arrays.copyOfRange(src, offset, offset + LENGTH));
    }

    /** Parses 64 hex digits. */
    public static ObjectId parse(String hex) {
        if (hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("not an id (64 hex digits): " + hex);
        }
        try {
            return new ObjectId(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an id (64 hex digits): " + hex, e);
        }
    }

    /** The SHA-256 of {@code data[offset, offset + length)}. */
    public static ObjectId sha256(byte[] data, int offset, int length) {
        MessageDigest md = sha256();
        md.update(data, offset, length);
        return new ObjectId(md.digest());
    }

    /** The SHA-256 of all of {@code data}. */
    public static ObjectId sha256(byte[] data) {
        return sha256(data, 0, data.length);
    }

    /** Wraps a finished digest (32 bytes) without copying. */
    static ObjectId wrap(byte[] digest) {
        if (digest.length != LENGTH) {
            throw new IllegalArgumentException("digest of " + digest.length + " bytes");
        }
        return new ObjectId(digest);
    }

    /** A fresh SHA-256 digest. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Writes the 32 bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    /** The 64 lower-case hex digits. */
    public String hex() {
        return HEX.formatHex(bytes);
    }

    /** The first 8 hex digits, as {@code backup list} shows ids. */
    public String shortHex() {
        return hex().substring(0, 8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(ObjectId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
