package dev.hyperlab.core.backup;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An index file ({@code index/ID}): for a set of packs, every blob each holds and where. Binary, little-endian,
 * sealed as a whole in an encrypted repository; ID is the content id of the plaintext.
 *
 * <pre>
 * "HLIX" | u8 version (1) | u32 pack count | per pack: id[32] | u32 blob count | per blob:
 *     u8 type | u8 flags (bit 0: zstd) | u32 offset | u32 stored length | u32 raw length | id[32]
 * </pre>
 *
 * Packs are written in id order and blobs in pack order, so the same packs always give the same file.
 */
final class IndexFile {
    static final byte[] AAD = "hyperlab index".getBytes(StandardCharsets.US_ASCII);
    private static final int MAGIC = 0x58494c48; // "HLIX" read little-endian
    private static final int BLOB = 46;

    private IndexFile() {}

    /** Plaintext of an index listing {@code packs} (id to the entries of its header). */
    static byte[] encode(Map<ObjectId, List<PackFormat.Entry>> packs) {
        List<ObjectId> ids = new ArrayList<>(packs.keySet());
        ids.sort(null);
        int size = 9;
        for (ObjectId id : ids) {
            size += ObjectId.LENGTH + 4 + packs.get(id).size() * BLOB;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) 1).putInt(ids.size());
        byte[] raw = new byte[ObjectId.LENGTH];
        for (ObjectId id : ids) {
            id.copyTo(raw, 0);
            b.put(raw);
            List<PackFormat.Entry> entries = packs.get(id);
            b.putInt(entries.size());
            for (PackFormat.Entry e : entries) {
                b.put((byte) e.type().code).put((byte) (e.compressed() ? 1 : 0));
                b.putInt(e.offset()).putInt(e.storedLength()).putInt(e.rawLength());
                e.id().copyTo(raw, 0);
                b.put(raw);
            }
        }
        return b.array();
    }

    /** Parses a plaintext index into pack id to entries, in file order. */
    static Map<ObjectId, List<PackFormat.Entry>> decode(byte[] data, String what) throws RepositoryException {
        Map<ObjectId, List<PackFormat.Entry>> packs = new java.util.LinkedHashMap<>();
        try {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt() != MAGIC || b.get() != 1) {
                throw new RepositoryException(what + " is not a version 1 index file");
            }
            int count = b.getInt();
            byte[] raw = new byte[ObjectId.LENGTH];
            for (int i = 0; i < count; i++) {
                b.get(raw);
                ObjectId pack = ObjectId.of(raw, 0);
                int n = b.getInt();
                if (n < 0 || (long) n * BLOB > b.remaining()) {
                    throw new RepositoryException(what + " is damaged: pack " + pack.shortHex() + " lists " + n
                            + " blobs");
                }
                List<PackFormat.Entry> entries = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    BlobType type = BlobType.of(b.get(), what);
                    boolean compressed = b.get() != 0;
                    int offset = b.getInt();
                    int stored = b.getInt();
                    int rawLength = b.getInt();
                    b.get(raw);
                    if (offset < 0 || !PackFormat.plausible(type, stored, rawLength)) {
                        throw new RepositoryException(what + " is damaged: pack " + pack.shortHex() + " blob " + k
                                + " has offset " + offset + ", " + stored + " bytes stored, " + rawLength + " raw,"
                                + " more than a " + type.name().toLowerCase(java.util.Locale.ROOT) + " blob can be");
                    }
                    entries.add(new PackFormat.Entry(type, compressed, offset, stored, rawLength, ObjectId.of(raw, 0)));
                }
                packs.put(pack, entries);
            }
            if (b.hasRemaining()) {
                throw new RepositoryException(what + " is damaged: " + b.remaining() + " bytes after its last pack");
            }
        } catch (BufferUnderflowException e) {
            throw new RepositoryException(what + " is damaged: truncated", e);
        }
        return packs;
    }
}
