package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A restore onto a machine's own disk whose first bytes (the MBR, the GPT header and its entries: everything a firmware
 * looks at to call a disk bootable) are written last. Before anything else they are zeroed and flushed, so a restore
 * cut short at any point (kill -9, power loss, a damaged repository) leaves a disk no firmware boots, never a disk that
 * boots into half an image; {@link #commit} writes them once the rest of the disk is complete and durable.
 */
final class BootLastTarget implements RestoreTarget {
    private final DiskImage image;
    private final RestoreTarget rest;
    /** What the restore wrote into the held-back head; zeros where the backup has a hole. */
    private final byte[] head;

    private BootLastTarget(DiskImage image, int headBytes) throws IOException {
        this.image = image;
        this.rest = RestoreTarget.image(image);
        this.head = new byte[headBytes];
    }

    /** Opens {@code image} for a restore, its first {@code headBytes} already zeroed and durable. */
    static BootLastTarget open(DiskImage image, int headBytes) throws IOException {
        BootLastTarget t = new BootLastTarget(image, (int) Math.min(headBytes, image.virtualSize()));
        t.rest.zero(0, t.head.length); // where it holds data: holes stay holes
        image.flush();
        return t;
    }

    @Override
    public synchronized void write(long at, byte[] src, int off, int len) throws IOException {
        int inHead = at < head.length ? (int) Math.min(len, head.length - at) : 0;
        if (inHead > 0) {
            System.arraycopy(src, off, head, (int) at, inHead);
        }
        if (inHead < len) {
            rest.write(at + inHead, src, off + inHead, len - inHead);
        }
    }

    @Override
    public synchronized void zero(long at, long len) throws IOException {
        long inHead = at < head.length ? Math.min(len, head.length - at) : 0;
        if (inHead > 0) {
            Arrays.fill(head, (int) at, (int) (at + inHead), (byte) 0);
        }
        if (inHead < len) {
            rest.zero(at + inHead, len - inHead);
        }
    }

    /** Makes everything but the head durable; the head waits for {@link #commit}. */
    @Override
    public synchronized void finish() throws IOException {
        rest.finish();
    }

    /** Writes the held-back head and flushes: from now on the disk is whole, and bootable if its image was. */
    synchronized void commit() throws IOException {
        // block by block, zeros skipped: they read as zeros already, and stay holes as in the backup
        for (int at = 0; at < head.length; at += Zeros.BLOCK) {
            int len = Math.min(Zeros.BLOCK, head.length - at);
            if (!Zeros.isZero(head, at, len)) {
                image.write(at, ByteBuffer.wrap(head, at, len));
            }
        }
        image.flush();
    }

    @Override
    public void close() throws IOException {
        rest.close();
    }
}
