package dev.hyperlab.core.storage.workload;

/**
 * One guest write: {@code data} at byte {@code offset} of the disk.
 *
 * @param offset byte offset in the virtual disk, a multiple of 4096
 * @param data the bytes written (a multiple of 4096 long)
 */
public record GuestWrite(long offset, byte[] data) {}
