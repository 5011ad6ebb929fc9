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

    /** By the format bits' top four ({@code mode >>> 12 & 15}): null where no type has them. */
    private static final FileType[] BY_FORMAT = new FileType[16];
    private static final FileType[] VALUES = values();

    static {
        for (FileType t : values()) {
            BY_FORMAT[t.format >>> 12] = t;
        }
    }

    /** The type whose format bits {@code mode} has, or null for none (a damaged stat). */
    public static FileType ofMode(int mode) {
        // a table rather than values(), which copies its array at every call: once per entry of a walk
        return BY_FORMAT[(mode & 0170000) >>> 12];
    }

    /** The type of {@code ordinal}, or null when none has it: {@link #values()} without its copy. */
    public static FileType ofOrdinal(int ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : null;
    }

}
