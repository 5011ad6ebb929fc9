package dev.hyperlab.core.storage;

/**
 * An image refused because another opener's lock conflicts with the access asked for (see {@link ImageLock}): QEMU,
 * qemu-io, qemu-img or another lab has it open. Nothing was read or written.
 */
public class ImageLockedException extends ImageException {
    public ImageLockedException(String message) {
        super(message);
    }
}
