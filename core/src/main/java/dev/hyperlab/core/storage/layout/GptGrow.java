package dev.hyperlab.core.storage.layout;

import dev.hyperlab.core.storage.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Moves a GPT's backup header and entries to the end of a disk that grew (an image restored onto a larger disk), as
 * {@code sgdisk -e} does: the UEFI spec puts the backup header in the disk's last sector, and a backup left where the
 * smaller disk ended is what {@code sgdisk -v} reports as a problem and firmware may take for damage. The last usable
 * sector grows with it, so the partitions can be grown into the new space; the protective MBR is made to cover the disk.
 */
public final class GptGrow {
    private static final int SECTOR = 512;

    private GptGrow() {}

    /**
     * Moves the backup GPT of {@code disk} to its end when its primary header (checked, with its entries, against their
     * CRC32s) puts the backup before the last sector. Returns whether it moved anything: false for a disk without a
     * valid GPT (an MBR disk), or whose backup is already at the end. The new backup is written before the primary
     * header names it, so a write cut short leaves the old, valid pair.
     */
    public static boolean moveBackupToEnd(DiskImage disk) throws IOException {
        BootDiskProbe.RawGpt primary;
        try {
            primary = BootDiskProbe.readRawGpt(disk, 1);
        } catch (dev.hyperlab.core.storage.ImageException e) {
            return false; // no GPT, or one that does not check: not this step's to mend
        }
        long last = disk.virtualSize() / SECTOR - 1;
        long oldBackup = primary.alternateLba();
        if (oldBackup >= last || oldBackup <= 1) {
            return false;
        }
        ByteBuffer entries = primary.entries();
        long arraySectors = (entries.capacity() + SECTOR - 1) / SECTOR;
        long backupEntries = last - arraySectors;
        long lastUsable = Math.max(primary.header().getLong(48), backupEntries - 1);

        ByteBuffer backup = copy(primary.header());
        backup.putLong(24, last).putLong(32, 1).putLong(48, lastUsable).putLong(72, backupEntries);
        seal(backup);
        disk.write(backupEntries * SECTOR, entries.duplicate().clear());
        disk.write(last * SECTOR, backup);
        disk.flush();

        ByteBuffer head = copy(primary.header());
        head.putLong(32, last).putLong(48, lastUsable);
        seal(head);
        disk.write(SECTOR, head);

        ByteBuffer mbr = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        BootDiskProbe.read(disk, 0, mbr);
        if ((mbr.get(510) & 0xff) == 0x55 && (mbr.get(511) & 0xff) == 0xAA && (mbr.get(446 + 4) & 0xff) == 0xEE) {
            mbr.putInt(446 + 12, (int) Math.min(last, 0xFFFFFFFFL)); // sectors after LBA 1: the whole disk
            disk.write(0, mbr.clear());
        }
        // the old backup header now lies in free space: cleared, so no scan takes it for a third copy
        disk.write(oldBackup * SECTOR, ByteBuffer.allocate(SECTOR));
        disk.flush();
        return true;
    }

    private static ByteBuffer copy(ByteBuffer header) {
        ByteBuffer b = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, header, 0, SECTOR);
        return b;
    }

    /** The header's CRC32 over its own size, with the CRC field zero. */
    private static void seal(ByteBuffer h) {
        int size = h.getInt(12);
        h.putInt(16, 0);
        CRC32 crc = new CRC32();
        crc.update(h.array(), 0, size);
        h.putInt(16, (int) crc.getValue());
        h.clear();
    }
}
