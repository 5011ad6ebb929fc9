package dev.hyperlab.core.storage.layout;

import java.io.IOException;

/**
 * A disk the boot structures are read from failed to give its bytes: an image whose L1 or L2 entry points past the
 * end of its file, a compressed cluster that does not inflate, an I/O error. Unlike an {@code ImageException} about
 * the layout (a GPT that fails its CRC, a FAT that is not one), which makes a disk merely not bootable, this is what a
 * firmware reports as a read error of the device.
 */
public final class UnreadableDiskException extends IOException {
    public UnreadableDiskException(String message, IOException cause) {
        super(message, cause);
    }
}
