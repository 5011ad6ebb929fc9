package dev.hyperlab.core.storage;

/**
 * A run of the virtual disk with one storage status, as {@code qemu-img map} reports it.
 *
 * @param offset start in the virtual disk, in bytes
 * @param length length in bytes, greater than zero
 * @param data true when the run holds stored data; false when it reads as zeros (a hole, a zero cluster, or
 *     unallocated everywhere in the backing chain)
 * @param depth 0 when the run is stored in this image, N when it comes from the Nth backing file down the chain
 */
public record Extent(long offset, long length, boolean data, int depth) {
    public Extent {
        if (offset < 0 || length <= 0 || depth < 0) {
            throw new IllegalArgumentException("bad extent " + offset + "+" + length + " depth " + depth);
        }
    }

    /** First byte past this extent. */
    public long end() {
        return offset + length;
    }
}
