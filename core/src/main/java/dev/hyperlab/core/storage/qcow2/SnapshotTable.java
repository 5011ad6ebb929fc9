package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and encodes the snapshot table (qcow2.txt, "Snapshots"). Each entry's extra data may be any size: hyperlab
 * reads the 8-byte VM state size, the disk size and the icount when present and keeps the rest unread, as the spec
 * asks of readers.
 */
final class SnapshotTable {
    /** QEMU's own limits (QCOW_MAX_SNAPSHOT_EXTRA_DATA, QCOW_MAX_SNAPSHOTS_SIZE): bound memory on hostile input. */
    static final int MAX_EXTRA_DATA = 1024;
    static final long MAX_TABLE_BYTES = 64L << 20;
    private static final int EXTRA_WRITTEN = 24;

    private SnapshotTable() {}

    static List<Qcow2Snapshot> read(HostFile file, Qcow2Header h) throws IOException {
        List<Qcow2Snapshot> out = new ArrayList<>(h.nbSnapshots);
        long pos = h.snapshotsOffset;
        long tableEnd = h.snapshotsOffset + MAX_TABLE_BYTES;
        for (int i = 0; i < h.nbSnapshots; i++) {
            ByteBuffer fixed = ByteBuffer.allocate(40);
            file.readFully(pos, fixed, "snapshot table entry " + i);
            long l1Offset = fixed.getLong(0);
            int l1Size = fixed.getInt(8);
            int idLen = fixed.getShort(12) & 0xffff;
            int nameLen = fixed.getShort(14) & 0xffff;
            long dateSec = fixed.getInt(16) & 0xffffffffL;
            int dateNsec = fixed.getInt(20);
            long vmClock = fixed.getLong(24);
            long vmState = fixed.getInt(32) & 0xffffffffL;
            int extraLen = fixed.getInt(36);
            if (extraLen < 0 || extraLen > MAX_EXTRA_DATA) {
                throw new ImageException(file.path + ": snapshot " + i + " has extra data of " + Integer.toUnsignedString(extraLen) + " bytes (limit " + MAX_EXTRA_DATA + ")");
            }
            if (h.version >= 3 && extraLen < 16) {
                throw new ImageException(file.path + ": snapshot " + i + " has " + extraLen + " bytes of extra data; version 3 needs at least 16");
            }
            int varLen = extraLen + idLen + nameLen;
            ByteBuffer var = ByteBuffer.allocate(varLen);
            file.readFully(pos + 40, var, "snapshot table entry " + i);
            long diskSize = h.size;
            long icount = -1;
            byte[] unknown = new byte[0];
            if (extraLen >= 8) vmState = var.getLong(0);
            if (extraLen >= 16) diskSize = var.getLong(8);
            if (extraLen >= 24) icount = var.getLong(16);
            if (extraLen > 24) {
                unknown = new byte[extraLen - 24];
                var.get(24, unknown);
            }
            byte[] id = new byte[idLen];
            var.get(extraLen, id);
            byte[] name = new byte[nameLen];
            var.get(extraLen + idLen, name);
            if (l1Size < 0 || (long) l1Size * 8 > Qcow2Header.MAX_L1_BYTES) {
                throw new ImageException(file.path + ": snapshot " + i + " has an L1 table of " + Integer.toUnsignedString(l1Size) + " entries");
            }
            if (l1Size > 0 && ((l1Offset & (h.clusterSize() - 1)) != 0 || l1Offset <= 0 || l1Offset + 8L * l1Size > file.size())) {
                throw new ImageException(file.path + ": snapshot " + i + " L1 table at 0x" + Long.toHexString(l1Offset) + " is misaligned or past the end of the file");
            }
            if (vmState < 0 || diskSize < 0) throw new ImageException(file.path + ": snapshot " + i + " has a negative size");
            out.add(new Qcow2Snapshot(new String(id, StandardCharsets.UTF_8), new String(name, StandardCharsets.UTF_8),
                    l1Offset, l1Size, dateSec, dateNsec, vmClock, vmState, diskSize, icount, unknown));
            pos += (40L + varLen + 7) & ~7L;
            if (pos > tableEnd) throw new ImageException(file.path + ": snapshot table is larger than " + (MAX_TABLE_BYTES >> 20) + " MiB");
        }
        return out;
    }

    /** Size in bytes of the table holding {@code snapshots}. */
    static long encodedSize(List<Qcow2Snapshot> snapshots) {
        long n = 0;
        for (Qcow2Snapshot s : snapshots) n += entrySize(s);
        return n;
    }

    private static int entrySize(Qcow2Snapshot s) {
        int extra = EXTRA_WRITTEN + s.unknownExtraData().length;
        return (40 + extra + utf8(s.id()).length + utf8(s.name()).length + 7) & ~7;
    }

    static ByteBuffer encode(List<Qcow2Snapshot> snapshots) {
        ByteBuffer b = ByteBuffer.allocate((int) encodedSize(snapshots));
        for (Qcow2Snapshot s : snapshots) {
            int at = b.position();
            byte[] id = utf8(s.id());
            byte[] name = utf8(s.name());
            int extra = EXTRA_WRITTEN + s.unknownExtraData().length;
            b.putLong(s.l1TableOffset()).putInt(s.l1Size()).putShort((short) id.length).putShort((short) name.length)
                    .putInt((int) s.dateSec()).putInt(s.dateNsec()).putLong(s.vmClockNsec())
                    .putInt((int) s.vmStateSize()) // truncated as QEMU does; the 64-bit size follows in extra data
                    .putInt(extra).putLong(s.vmStateSize()).putLong(s.diskSize()).putLong(s.icount())
                    .put(s.unknownExtraData()).put(id).put(name);
            b.position(at + entrySize(s));
        }
        b.flip();
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
