package dev.hyperlab.core.storage;

/** Disk image file formats hyperlab reads and writes. */
public enum ImageFormat {
    /** QEMU copy-on-write v2/v3, as docs/interop/qcow2.txt in QEMU's repository specifies it. */
    QCOW2,
    /** A flat (sparse) file: byte N of the file is byte N of the disk. */
    RAW;

    /** The name qemu-img uses for the format ({@code qcow2}, {@code raw}). */
    public String qemuName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
