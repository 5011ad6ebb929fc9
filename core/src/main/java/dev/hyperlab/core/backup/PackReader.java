package dev.hyperlab.core.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Reads a pack file's header and checks that the pack is what its name says. */
final class PackReader {
    private PackReader() {}

    /**
     * The blobs pack {@code name} lists.
     *
     * @throws RepositoryException when the pack is truncated, its header damaged, or its header does not match its name
     * @throws java.nio.file.NoSuchFileException when the pack is missing
     */
    static List<PackFormat.Entry> header(Backend backend, RepositoryCipher cipher, String name) throws IOException {
        String what = "pack " + name;
        long size = backend.stat(FileKind.PACK, name);
        if (size < PackFormat.TRAILER) {
            throw new RepositoryException(what + " is damaged: only " + size + " bytes long");
        }
        ByteBuffer trailer = ByteBuffer.allocate(PackFormat.TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        backend.load(FileKind.PACK, name, size - PackFormat.TRAILER, trailer);
        int headerLength = trailer.getInt(0);
        if (trailer.getInt(4) != PackFormat.MAGIC) {
            throw new RepositoryException(what + " is damaged: no pack trailer (truncated or overwritten)");
        }
        if (headerLength < cipher.overhead() || headerLength > size - PackFormat.TRAILER
                || headerLength > PackFormat.MAX_HEADER) {
            throw new RepositoryException(what + " is damaged: header length " + headerLength + " in a file of " + size
                    + " bytes");
        }
        byte[] sealed = new byte[headerLength];
        backend.load(FileKind.PACK, name, size - PackFormat.TRAILER - headerLength, ByteBuffer.wrap(sealed));
        byte[] header = cipher.open(PackFormat.HEADER_AAD, sealed, what + " header");
        if (!cipher.fileId(header).hex().equals(name)) {
            throw new RepositoryException(what + " is damaged: its header does not match its name");
        }
        return PackFormat.parseHeader(header, size - PackFormat.TRAILER - headerLength, what);
    }
}
