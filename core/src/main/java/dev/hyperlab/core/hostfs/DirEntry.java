package dev.hyperlab.core.hostfs;

/**
 * One name in a directory, as bytes (Linux names are bytes, not text), never {@code .} or {@code ..}; {@code regular}
 * when the listing itself says a regular file ({@code getdents64}'s {@code d_type} {@code DT_REG}), false when it says
 * otherwise or does not know ({@code DT_UNKNOWN}: some file systems never fill it in). What the name is when it is
 * used is what a {@code stat} or {@code fstat} then says: the listing's type is only a hint of a moment before.
 */
public record DirEntry(byte[] name, long ino, boolean regular) {

    /** A name whose type the listing does not give. */
    public DirEntry(byte[] name, long ino) {
        this(name, ino, false);
    }
}
