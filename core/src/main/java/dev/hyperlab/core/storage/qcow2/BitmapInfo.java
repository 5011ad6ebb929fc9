package dev.hyperlab.core.storage.qcow2;

/**
 * A persistent dirty bitmap as {@code qemu-img info} lists it.
 *
 * @param name the bitmap's name
 * @param granularity bytes per bit
 * @param enabled true when the bitmap records writes (QEMU's "auto" flag)
 * @param inUse true when the bitmap is inconsistent: a writer (QEMU or hyperlab) had the image open and never stored
 *     it back, e.g. after a crash. Backups must not trust it.
 */
public record BitmapInfo(String name, long granularity, boolean enabled, boolean inUse) {}
