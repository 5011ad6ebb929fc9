package dev.hyperlab.api.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A read-only view of one disk being backed up: a block device of {@link #virtualSize()} bytes, with what is known
 * about which parts hold data and which changed since the last backup.
 *
 * <p>Example, reading the first sector:
 *
 * <pre>{@code
 * ByteBuffer sector = ByteBuffer.allocate(512);
 * disk.read(0, sector);
 * }</pre>
 *
 * <p>Reads go to one thread at a time: a strategy must not read a disk from several threads at once.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface SourceDisk {

    /** The disk's name within its machine, for instance {@code vda}; unique among the machine's disks. */
    String name();

    /** The image format the disk is stored in ({@code qcow2}, {@code raw}); restored disks get the same format. */
    String format();

    /** Size of the virtual disk in bytes. */
    long virtualSize();

    /**
     * The ranges that may hold data, ascending and non-overlapping; everything else reads as zeros (holes,
     * unallocated clusters). A strategy that skips the rest loses nothing.
     */
    List<ByteRange> allocated() throws IOException;

    /** Fills {@code dst} from its position to its limit with the disk's bytes at {@code offset}. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /**
     * Changed-block tracking for this disk (a qcow2 persistent dirty bitmap), when the disk has it; empty when it has
     * none or it was lost.
     */
    Optional<ChangedBlocks> changedBlocks();
}
