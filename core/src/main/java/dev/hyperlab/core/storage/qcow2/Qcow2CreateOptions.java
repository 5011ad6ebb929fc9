package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.ImageFormat;
import java.util.Optional;

/**
 * How to create a qcow2 v3 image.
 *
 * @param virtualSize disk size in bytes; -1 to take the backing file's size
 * @param clusterSize a power of two from 4 KiB to 2 MiB (QEMU's default is 64 KiB)
 * @param backingFile the backing file name as stored in the image (relative names resolve against the image's
 *     directory, as QEMU resolves them); empty for a standalone image
 * @param backingFormat the backing file's format, recorded so nothing has to guess it
 */
public record Qcow2CreateOptions(long virtualSize, int clusterSize, Optional<String> backingFile,
        Optional<ImageFormat> backingFormat) {
    public static final int DEFAULT_CLUSTER_SIZE = 64 * 1024;
    public static final int MIN_CLUSTER_SIZE = 4 * 1024;
    public static final int MAX_CLUSTER_SIZE = 2 * 1024 * 1024;

    /** A standalone image of {@code virtualSize} bytes with 64 KiB clusters. */
    public static Qcow2CreateOptions ofSize(long virtualSize) {
        return new Qcow2CreateOptions(virtualSize, DEFAULT_CLUSTER_SIZE, Optional.empty(), Optional.empty());
    }

    /** A copy-on-write overlay of {@code backingFile}, as large as it. */
    public static Qcow2CreateOptions overlay(String backingFile, ImageFormat backingFormat) {
        return new Qcow2CreateOptions(-1, DEFAULT_CLUSTER_SIZE, Optional.of(backingFile), Optional.of(backingFormat));
    }

    public Qcow2CreateOptions withClusterSize(int size) {
        return new Qcow2CreateOptions(virtualSize, size, backingFile, backingFormat);
    }

    public Qcow2CreateOptions withVirtualSize(long size) {
        return new Qcow2CreateOptions(size, clusterSize, backingFile, backingFormat);
    }
}
