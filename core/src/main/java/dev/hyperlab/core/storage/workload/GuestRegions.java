package dev.hyperlab.core.storage.workload;

import java.util.Optional;

/**
 * Where a running guest's writes land on its system disk: three regions of equal size, past the boot layout and the
 * OS files (which lie in the first GiB of a bootable disk) and short of the disk's last MiB (a GPT's backup copy):
 * <pre>
 * system   what the OS rewrites each boot (registry hives, caches, prefetch files): written from the start every boot
 * logs     append-only logs, a ring: the writer moves on and wraps, as log rotation reuses space
 * data     database pages, updated in place at random
 * </pre>
 * Each region is at most {@link #MAX_REGION} long, so a VM's overlay stays bounded however long it runs. A layout, not
 * a model figure: what a guest writes and how fast comes from docs/calibration.md.
 *
 * @param system the boot-time rewrite region
 * @param logs the log ring
 * @param data the database region
 */
public record GuestRegions(Region system, Region logs, Region data) {
    /** Largest region: bounds the space guest writes take in an image. */
    public static final long MAX_REGION = 256L << 20;
    /** Boot layout (an EFI system partition ends near 101 MiB) and OS files stay below this much at least. */
    static final long MIN_START = 128L << 20;
    /** The OS files of a bootable disk lie within its first GiB; writes start there when the disk is large enough. */
    static final long OS_AREA = 1L << 30;
    static final long TAIL = 1L << 20;
    private static final long ALIGN = 64 * 1024;

    /**
     * A byte range of the disk.
     *
     * @param start first byte, a multiple of 64 KiB
     * @param length bytes, a multiple of 64 KiB
     */
    public record Region(long start, long length) {
        public long end() {
            return start + length;
        }
    }

    /** The regions of a disk of {@code virtualSize} bytes, or empty when it is too small to hold them. */
    public static Optional<GuestRegions> of(long virtualSize) {
        long start = Math.max(MIN_START, Math.min(OS_AREA, virtualSize / 4));
        start = (start + ALIGN - 1) / ALIGN * ALIGN;
        long usable = virtualSize - start - TAIL;
        long r = Math.min(MAX_REGION, usable / 3) / ALIGN * ALIGN;
        if (r < ALIGN) {
            return Optional.empty();
        }
        return Optional.of(new GuestRegions(new Region(start, r), new Region(start + r, r), new Region(start + 2 * r, r)));
    }
}
