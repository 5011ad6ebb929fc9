package dev.hyperlab.core.backup;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A disk's content as pieces, stored as map blobs of one page each: page k lists the pieces within {@code [k GiB, (k +
 * 1) GiB)}, cut at the page boundary. Pages have fixed disk ranges, so a page whose GiB did not change between two
 * backups is the same blob and is stored once; a page with no data is not stored at all.
 *
 * <pre>
 * page plaintext: "HLMP" | u8 version (1) | u64 page start | u32 count | per piece:
 *     u64 disk offset | u32 length | u32 offset in blob | blob id[32]
 * </pre>
 */
final class DiskMap {
    /** Disk bytes one map page covers. */
    static final long PAGE = 1L << 30;
    /** The largest disk a map describes: page numbers are ints. 2 EiB, far beyond qemu's largest qcow2 image. */
    static final long MAX_DISK = Integer.MAX_VALUE * PAGE;

    private static final int MAGIC = 0x504d4c48; // "HLMP" read little-endian
    private static final int ENTRY = 48;
    private static final int HEADER = 17;
    /**
     * The most pieces a page holds: one per 512-byte sector of its GiB, which no built-in strategy comes near (their
     * pieces are clusters, 4 KiB blocks or chunks). It bounds a page blob, and so what reading one allocates.
     */
    static final int MAX_PAGE_PIECES = (int) (PAGE / 512);
    /** The largest page blob: 96 MiB. */
    static final int MAX_PAGE_BYTES = HEADER + ENTRY * MAX_PAGE_PIECES;

    private DiskMap() {}

    /** Pages a disk of {@code virtualSize} bytes (at most {@link #MAX_DISK}) has. */
    static int pageCount(long virtualSize) {
        return (int) ((virtualSize + PAGE - 1) / PAGE);
    }

    /** The pieces of {@code pieces} (ascending) that fall in page {@code page}, cut at its bounds. */
    static List<List<Piece>> paginate(List<Piece> pieces, long virtualSize) {
        int pageCount = pageCount(virtualSize);
        List<List<Piece>> pages = new ArrayList<>(pageCount);
        for (int i = 0; i < pageCount; i++) {
            pages.add(new ArrayList<>());
        }
        for (Piece p : pieces) {
            for (long s = p.offset(); s < p.end(); ) {
                int page = (int) (s / PAGE);
                long pageEnd = (page + 1) * PAGE;
                Piece part = p.clip(s, Math.min(p.end(), pageEnd));
                pages.get(page).add(part);
                s = part.end();
            }
        }
        return pages;
    }

    static byte[] encodePage(long pageStart, List<Piece> pieces) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + pieces.size() * ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) 1).putLong(pageStart).putInt(pieces.size());
        byte[] id = new byte[ObjectId.LENGTH];
        for (Piece p : pieces) {
            b.putLong(p.offset()).putInt(p.length()).putInt(p.blobOffset());
            p.blob().copyTo(id, 0);
            b.put(id);
        }
        return b.array();
    }

    /**
     * Checks the pieces of a disk's map (its pages decoded, in order) against what its manifest says: no data beyond
     * the disk's end and, when every page was read ({@code whole}), as many data bytes and pieces as the manifest
     * counts (pieces cut at a page boundary count once there, so the map may hold up to one more per page).
     *
     * @throws RepositoryException naming {@code what} when the map and the manifest disagree
     */
    static void checkAgainst(Manifest.Disk disk, List<Piece> pieces, boolean whole, String what)
            throws RepositoryException {
        long data = 0;
        for (Piece p : pieces) {
            if (p.offset() > disk.virtualSize() - p.length()) {
                throw new RepositoryException(what + " is damaged: its map has data at " + p.offset() + "+"
                        + p.length() + ", beyond its virtual size " + disk.virtualSize());
            }
            data += p.length();
        }
        if (!whole) {
            return;
        }
        if (data != disk.dataBytes()) {
            throw new RepositoryException(what + " is damaged: its map holds " + data + " data bytes, its manifest says "
                    + disk.dataBytes());
        }
        if (pieces.size() < disk.pieces() || pieces.size() > disk.pieces() + disk.pages().size()) {
            throw new RepositoryException(what + " is damaged: its map has " + pieces.size()
                    + " pieces, its manifest says " + disk.pieces());
        }
    }

    /** Parses a page and checks it is ascending, non-overlapping and within its GiB. */
    static List<Piece> decodePage(byte[] data, long pageStart, String what) throws RepositoryException {
        try {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt() != MAGIC || b.get() != 1) {
                throw new RepositoryException(what + " is not a version 1 disk map page");
            }
            long start = b.getLong();
            int n = b.getInt();
            if (start != pageStart || n < 0 || (long) n * ENTRY != b.remaining()) {
                throw new RepositoryException(what + " is damaged: page header does not fit");
            }
            List<Piece> pieces = new ArrayList<>(n);
            long last = pageStart;
            byte[] id = new byte[ObjectId.LENGTH];
            for (int i = 0; i < n; i++) {
                long off = b.getLong();
                int len = b.getInt();
                int blobOff = b.getInt();
                b.get(id);
                // off >= last >= pageStart, so off - pageStart cannot overflow where off + len could
                if (off < last || len <= 0 || blobOff < 0 || off - pageStart > PAGE - len) {
                    throw new RepositoryException(what + " is damaged: piece " + i + " at " + off + "+" + len
                            + " is out of order, overlaps another or lies outside its GiB");
                }
                pieces.add(new Piece(off, len, ObjectId.of(id, 0), blobOff));
                last = off + len;
            }
            return pieces;
        } catch (BufferUnderflowException e) {
            throw new RepositoryException(what + " is damaged: truncated", e);
        }
    }
}
