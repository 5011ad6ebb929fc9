package dev.hyperlab.core.backup;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A restore's reads planned per pack, as restic plans them: the blobs wanted from each pack, in the pack's order,
 * joined into runs of nearby blobs that one read fetches ({@link BlobReader#readRun}), so a pack is read once front to
 * back instead of once per blob (each of which had cost an open, a read and a close).
 *
 * <p>A run spans at most {@value #MAX_RUN} bytes (or a single blob, which its type bounds), so the lengths and offsets
 * an index gives (checked when it was read) never make a reader allocate more than that. Blobs closer than {@value
 * #MAX_GAP} bytes join one run: reading the few bytes between them costs less than another read.
 */
final class PackRuns {
    /** Most bytes one run reads, unless one blob alone is larger. */
    static final int MAX_RUN = 16 << 20;
    /** Largest gap of unwanted bytes read through rather than starting a new run. */
    static final int MAX_GAP = 256 << 10;

    private PackRuns() {}

    /** A wanted blob and where the index says it is. */
    record Wanted(ObjectId id, BlobLocation loc) {}

    /** Bytes {@code [start, start + length)} of pack {@code pack}, holding {@code blobs} (ascending offsets). */
    record Run(ObjectId pack, int start, int length, List<Wanted> blobs) {}

    /** The runs that read {@code wanted} (distinct blobs), ordered by pack and offset. */
    static List<Run> plan(Collection<Wanted> wanted) {
        List<Wanted> sorted = new ArrayList<>(wanted);
        sorted.sort(Comparator.comparing((Wanted w) -> w.loc().pack()).thenComparingInt(w -> w.loc().offset()));
        List<Run> runs = new ArrayList<>();
        List<Wanted> blobs = new ArrayList<>();
        ObjectId pack = null;
        long start = 0;
        long end = 0;
        for (Wanted w : sorted) {
            BlobLocation loc = w.loc();
            long blobEnd = (long) loc.offset() + loc.storedLength();
            boolean joins = pack != null && pack.equals(loc.pack()) && loc.offset() - end <= MAX_GAP
                    && Math.max(end, blobEnd) - start <= MAX_RUN;
            if (!joins) {
                if (pack != null) {
                    runs.add(new Run(pack, (int) start, (int) (end - start), List.copyOf(blobs)));
                }
                blobs.clear();
                pack = loc.pack();
                start = loc.offset();
                end = blobEnd;
            }
            blobs.add(w);
            end = Math.max(end, blobEnd);
        }
        if (pack != null) {
            runs.add(new Run(pack, (int) start, (int) (end - start), List.copyOf(blobs)));
        }
        return runs;
    }
}
