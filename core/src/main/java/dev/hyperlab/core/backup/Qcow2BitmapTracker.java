package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.core.storage.qcow2.BitmapInfo;
import dev.hyperlab.core.storage.qcow2.DirtyBitmap;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Changed-block tracking by a qcow2 persistent dirty bitmap, as QEMU's incremental backups do it: the bitmap lives in
 * the image, records every write, and is named {@code hyperlab-cbt@ID} after the backup it counts from ({@code
 * hyperlab-cbt} before the first backup). Restarting after a backup adds the new bitmap before removing the old one,
 * so a crash in between leaves a bitmap that covers at least every change (the newest one is used).
 */
public final class Qcow2BitmapTracker implements ChangedBlockTracker {
    /** Bitmap names this tracker owns start with this. */
    public static final String PREFIX = "hyperlab-cbt";
    /** QEMU's default bitmap granularity, and a cluster of a default qcow2 image. */
    public static final long DEFAULT_GRANULARITY = 64 * 1024;

    private final Qcow2Image image;
    private final BitmapInfo bitmap;

    private Qcow2BitmapTracker(Qcow2Image image, BitmapInfo bitmap) {
        this.image = image;
        this.bitmap = bitmap;
    }

    /** The tracker of {@code image}, if a tracking bitmap exists (the newest when a crash left two). */
    public static Optional<Qcow2BitmapTracker> of(Qcow2Image image) {
        BitmapInfo found = null;
        for (BitmapInfo b : image.bitmaps()) {
            if (b.name().equals(PREFIX) || b.name().startsWith(PREFIX + "@")) {
                found = b; // the bitmap directory lists bitmaps in the order they were added
            }
        }
        return Optional.ofNullable(found).map(b -> new Qcow2BitmapTracker(image, b));
    }

    /** Starts tracking writes to {@code image} from now on (no backup yet), unless a tracking bitmap exists. */
    public static Qcow2BitmapTracker start(Qcow2Image image) throws IOException {
        Optional<Qcow2BitmapTracker> existing = of(image);
        if (existing.isPresent()) {
            return existing.get();
        }
        // 64 KiB per bit, coarser on a disk so large its bitmap would take more than 16 MiB of memory (at most 1 GiB: an int)
        image.addBitmap(PREFIX, image.bitmapGranularityFor(DEFAULT_GRANULARITY, 1L << 30));
        image.flush();
        return of(image).orElseThrow();
    }

    @Override
    public int granularity() {
        return (int) bitmap.granularity();
    }

    @Override
    public Optional<String> since() {
        int at = bitmap.name().indexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(bitmap.name().substring(at + 1));
    }

    @Override
    public boolean consistent() {
        return !bitmap.inUse() && bitmap.enabled();
    }

    @Override
    public List<ByteRange> changed() throws IOException {
        DirtyBitmap bits = image.dirtyBitmap(bitmap.name());
        List<ByteRange> out = new ArrayList<>();
        for (DirtyBitmap.Range r : bits.dirtyRanges()) {
            out.add(new ByteRange(r.offset(), Math.min(r.length(), image.virtualSize() - r.offset())));
        }
        return out;
    }

    @Override
    public void restart(String backupId) throws IOException {
        String next = PREFIX + "@" + backupId;
        image.addBitmap(next, bitmap.granularity());
        image.flush();
        for (BitmapInfo b : image.bitmaps()) {
            if (!b.name().equals(next) && (b.name().equals(PREFIX) || b.name().startsWith(PREFIX + "@"))) {
                image.removeBitmap(b.name());
            }
        }
        image.flush();
    }
}
