package dev.hyperlab.core.hostfs;

/** The kinds of file a directory holds, with their {@code st_mode} format bits. */
public enum FileType {
    FILE(0100000),
    DIRECTORY(0040000),
    SYMLINK(0120000),
    FIFO(0010000),
    CHAR_DEVICE(0020000),
    BLOCK_DEVICE(0060000),
    SOCKET(0140000);

    /** The {@code S_IFMT} bits of {@code st_mode}. */
    public final int format;

    FileType(int format) {
        this.format = format;
    }

    /** The type whose format bits {@code mode} has, or null for none (a damaged stat). */
    public static FileType ofMode(int mode) {
        int f = mode & 0170000;
        for (FileType t : values()) {
            if (t.format == f) {
                return t;
            }
        }
        return null;
    }
}
