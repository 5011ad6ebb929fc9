package dev.hyperlab.core.storage.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.SplittableRandom;

/** A GPT GUID, stored mixed-endian as UEFI specifies (first three fields little-endian, the rest as written). */
public record Guid(long high, long low) {
    public static final Guid EFI_SYSTEM = parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    public static final Guid LINUX_FILESYSTEM = parse("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
    public static final Guid ZERO = new Guid(0, 0);

    /** Parses the canonical text form. */
    public static Guid parse(String s) {
        String hex = s.replace("-", "");
        if (hex.length() != 32) throw new IllegalArgumentException("not a GUID: " + s);
        return new Guid(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
    }

    /** A version-4 GUID drawn from {@code random}: deterministic for a seeded generator. */
    public static Guid random(SplittableRandom random) {
        long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new Guid(hi, lo);
    }

    void write(ByteBuffer b, int at) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        le.putInt(at, (int) (high >>> 32)).putShort(at + 4, (short) (high >>> 16)).putShort(at + 6, (short) high);
        b.duplicate().order(ByteOrder.BIG_ENDIAN).putLong(at + 8, low);
    }

    static Guid read(ByteBuffer b, int at) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long hi = ((le.getInt(at) & 0xffffffffL) << 32) | ((le.getShort(at + 4) & 0xffffL) << 16) | (le.getShort(at + 6) & 0xffffL);
        return new Guid(hi, b.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(at + 8));
    }

    @Override
    public String toString() {
        String h = String.format(Locale.ROOT, "%016X%016X", high, low);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20);
    }
}
