package dev.hyperlab.core.engine;

import java.util.Optional;

/**
 * Reads a file of the EFI system partition of a disk for the UEFI boot manager. Reading the GPT and the ESP's FAT
 * file system is the storage layer's layout reader; until it is wired in, no disk offers an EFI loader and UEFI
 * machines report "No bootable device".
 */
final class BootMedia {
    /** Reads {@code length} bytes at an offset of a disk. */
    interface Reader {
        byte[] read(long offset, int length);
    }

    private BootMedia() {}

    static Optional<byte[]> efiFile(Reader disk, long diskSize, String path) {
        return Optional.empty();
    }
}
