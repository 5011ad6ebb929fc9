package dev.hyperlab.core.backup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of a pack file: the stored blobs back to back, then the header that lists them (sealed in an encrypted
 * repository), then an 8-byte trailer: the header's stored length and the magic {@code HLP1}, little-endian.
 *
 * <pre>
 * blob 1 | blob 2 | ... | blob n | header | u32 header length | "HLP1"
 * header entry (42 bytes, plaintext): u8 type | u8 flags (bit 0: zstd) | u32 stored length | u32 raw length | id[32]
 * </pre>
 *
 * Offsets are implicit: blob k starts where blob k-1 ends. A pack's id is the content id of its plaintext header,
 * which lists every blob's id and length, so a pack name is checked without reading its blobs, and equal packs get
 * equal names whatever their nonces.
 */
final class PackFormat {
    static final int ENTRY = 42;
    /**
     * The largest sealed header read: 64 MiB, 1.6 million blobs. A pack closes at 16 MiB of blobs, so only blobs of
     * under 11 bytes on average could need more; it bounds what reading a header allocates.
     */
    static final int MAX_HEADER = 64 << 20;
    static final int TRAILER = 8;
    static final int MAGIC = 0x31504c48; // "HLP1" read little-endian
    static final byte[] HEADER_AAD = "hyperlab pack header".getBytes(StandardCharsets.US_ASCII);

    private PackFormat() {}

    /** One blob as the header lists it, with the offset the list implies. */
    record Entry(BlobType type, boolean compressed, int offset, int storedLength, int rawLength, ObjectId id) {}

    /**
     * Whether a blob of {@code type} with these lengths is one hyperlab can have written: no larger than its type
     * allows, stored in no more than its compressed and sealed worst case. Index files and pack headers are checked
     * with it, so no length read from a repository makes a reader allocate more than that.
     */
    static boolean plausible(BlobType type, int storedLength, int rawLength) {
        return rawLength >= 0 && rawLength <= type.maxRaw() && storedLength > 0
                && storedLength <= BlobCodec.maxStored(rawLength);
    }

    static byte[] blobAad(BlobType type, ObjectId id) {
        byte[] aad = new byte[1 + ObjectId.LENGTH];
        aad[0] = (byte) type.code;
        id.copyTo(aad, 1);
        return aad;
    }

    static void writeEntry(ByteBuffer out, Entry e) {
        out.put((byte) e.type().code);
        out.put((byte) (e.compressed() ? 1 : 0));
        out.putInt(e.storedLength());
        out.putInt(e.rawLength());
        byte[] id = new byte[ObjectId.LENGTH];
        e.id().copyTo(id, 0);
        out.put(id);
    }

    static byte[] header(List<Entry> entries) {
        ByteBuffer b = ByteBuffer.allocate(entries.size() * ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            writeEntry(b, e);
        }
        return b.array();
    }

    /**
     * Parses a plaintext header of a pack whose blobs occupy {@code [0, blobBytes)}.
     *
     * @throws RepositoryException naming {@code what} when the header is malformed or its blobs do not fill the space
     */
    static List<Entry> parseHeader(byte[] header, long blobBytes, String what) throws RepositoryException {
        if (header.length % ENTRY != 0) {
            throw new RepositoryException(what + " is damaged: header of " + header.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        List<Entry> entries = new ArrayList<>(header.length / ENTRY);
        long offset = 0;
        byte[] id = new byte[ObjectId.LENGTH];
        while (b.hasRemaining()) {
            BlobType type = BlobType.of(b.get(), what);
            int flags = b.get();
            int stored = b.getInt();
            int raw = b.getInt();
            b.get(id);
            if (!plausible(type, stored, raw) || (flags & ~1) != 0 || offset + stored > blobBytes) {
                throw new RepositoryException(what + " is damaged: bad header entry " + entries.size());
            }
            entries.add(new Entry(type, (flags & 1) != 0, (int) offset, stored, raw, ObjectId.of(id, 0)));
            offset += stored;
        }
        if (offset != blobBytes) {
            throw new RepositoryException(what + " is damaged: its header lists " + offset + " bytes of blobs, the file has "
                    + blobBytes);
        }
        return entries;
    }

    static void writeTrailer(byte[] dst, int at, int headerLength) {
        ByteBuffer.wrap(dst, at, TRAILER).order(ByteOrder.LITTLE_ENDIAN).putInt(headerLength).putInt(MAGIC);
    }
}
