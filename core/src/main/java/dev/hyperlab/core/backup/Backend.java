package dev.hyperlab.core.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Where a repository's files live: five verbs and nothing else, so the repository logic above never touches paths and
 * another store (a remote one, a fault-injecting one in tests) can replace the directory.
 *
 * <p>Invariants every implementation keeps: a saved file appears whole or not at all, under its final name, and is
 * durable when {@link #save} returns; files are never modified after they are saved, only removed.
 */
public interface Backend {

    /**
     * Stores {@code data[offset, offset + length)} as file {@code name} of {@code kind}, atomically and durably. Saving
     * a name that exists replaces it (content-addressed names make that a no-op in practice).
     */
    void save(FileKind kind, String name, byte[] data, int offset, int length) throws IOException;

    /**
     * Fills {@code dst} from its position to its limit with the file's bytes at {@code offset}.
     *
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws java.io.EOFException when the file ends before {@code dst} is full
     */
    void load(FileKind kind, String name, long offset, ByteBuffer dst) throws IOException;

    /**
     * The file's size in bytes.
     *
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     */
    long stat(FileKind kind, String name) throws IOException;

    /** The names of all files of {@code kind}, sorted. */
    List<String> list(FileKind kind) throws IOException;

    /** Removes the file, durably; removing a file that does not exist is not an error. */
    void remove(FileKind kind, String name) throws IOException;

    /**
     * Reads a whole file.
     *
     * @throws RepositoryException when it is larger than any file of its kind hyperlab writes ({@link
     *     FileKind#maxLoad()}): refused before anything is allocated
     */
    default byte[] load(FileKind kind, String name) throws IOException {
        long size = stat(kind, name);
        if (size > kind.maxLoad()) {
            throw new RepositoryException(kind.dir() + "/" + name + " is damaged: " + size + " bytes, more than a file"
                    + " of its kind can be (" + kind.maxLoad() + "); refusing to read it");
        }
        byte[] data = new byte[(int) size];
        load(kind, name, 0, ByteBuffer.wrap(data));
        return data;
    }

    /** Saves all of {@code data}. */
    default void save(FileKind kind, String name, byte[] data) throws IOException {
        save(kind, name, data, 0, data.length);
    }
}
