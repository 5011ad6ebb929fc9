package dev.hyperlab.core.storage;

/**
 * How an image file is opened: for reading or writing, which QEMU-compatible lock it holds while open (see
 * {@link ImageLock}), and how much it is checked before anything is written into it.
 */
public enum OpenMode {
    /**
     * Read-only and sharing the image with writers, as {@code qemu-img info -U} (force-share) does: what {@code disk
     * info} and {@code disk check} read, which works while QEMU or another lab writes the image.
     */
    INSPECT(false),
    /** Read-only; nobody may write or resize the image while it is open (as QEMU holds a backing file). */
    READ(false),
    /**
     * Read and write; nobody else may write, resize or read-and-keep-writers-out (as a running VM holds its disk). The
     * header decides how much is checked first: a dirty image is repaired, one marked corrupt refused, and the refcount
     * structure must account for every metadata structure (a cheap check); guest data clusters are trusted.
     */
    WRITE(true),
    /**
     * As {@link #WRITE}, after a full consistency check (what {@code disk check} does): an image hyperlab takes on, such
     * as one attached to a VM, whose refcounts it has not seen kept. A corrupt image is refused with nothing written.
     */
    ATTACH(true);

    private final boolean writable;

    OpenMode(boolean writable) {
        this.writable = writable;
    }

    public boolean writable() {
        return writable;
    }
}
