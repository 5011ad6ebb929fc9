package dev.hyperlab.core.storage;

import dev.hyperlab.core.storage.qcow2.BitmapInfo;
import dev.hyperlab.core.storage.qcow2.Qcow2Snapshot;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code qemu-img info --output=json} reports about an image, field for field, plus the backing chain below it
 * (what {@code --backing-chain} adds).
 *
 * @param filename the path as given
 * @param format qcow2 or raw
 * @param virtualSize bytes of the virtual disk
 * @param actualSize bytes the file occupies on the host (its data runs; holes excluded)
 * @param clusterSize qcow2 cluster size; empty for raw
 * @param backingFilename the backing file name as stored
 * @param fullBackingFilename that name resolved against the image's directory
 * @param backingFormat the recorded backing format
 * @param dirtyFlag the qcow2 dirty bit
 * @param snapshots internal snapshots
 * @param qcow2 qcow2 format-specific fields; empty for raw
 * @param backingChain the images below this one, nearest first
 */
public record ImageInfo(String filename, ImageFormat format, long virtualSize, long actualSize, OptionalInt clusterSize,
        Optional<String> backingFilename, Optional<String> fullBackingFilename, Optional<String> backingFormat,
        boolean dirtyFlag, List<Qcow2Snapshot> snapshots, Optional<Qcow2Specific> qcow2, List<ImageInfo> backingChain) {

    /**
     * qcow2 fields of {@code format-specific.data}.
     *
     * @param compat "1.1" for version 3, "0.10" for version 2
     */
    public record Qcow2Specific(String compat, String compressionType, boolean lazyRefcounts, int refcountBits,
            boolean corrupt, boolean extendedL2, List<BitmapInfo> bitmaps) {}

    /** JSON shaped like {@code qemu-img info --output=json}, with {@code backing-chain} added when there is one. */
    public String toJson() {
        StringBuilder b = new StringBuilder("{");
        Json.field(b, "filename", filename).append(',');
        Json.field(b, "format", format.qemuName()).append(',');
        Json.field(b, "virtual-size", virtualSize).append(',');
        Json.field(b, "actual-size", actualSize).append(',');
        clusterSize.ifPresent(c -> Json.field(b, "cluster-size", c).append(','));
        backingFilename.ifPresent(s -> Json.field(b, "backing-filename", s).append(','));
        fullBackingFilename.ifPresent(s -> Json.field(b, "full-backing-filename", s).append(','));
        backingFormat.ifPresent(s -> Json.field(b, "backing-filename-format", s).append(','));
        if (!snapshots.isEmpty()) {
            b.append("\"snapshots\":[");
            for (int i = 0; i < snapshots.size(); i++) {
                Qcow2Snapshot s = snapshots.get(i);
                if (i > 0) b.append(',');
                b.append('{');
                if (s.icount() != -1) Json.field(b, "icount", s.icount()).append(',');
                Json.field(b, "vm-state-size", s.vmStateSize()).append(',');
                Json.field(b, "date-sec", s.dateSec()).append(',');
                Json.field(b, "date-nsec", s.dateNsec()).append(',');
                Json.field(b, "vm-clock-sec", s.vmClockNsec() / 1_000_000_000L).append(',');
                Json.field(b, "vm-clock-nsec", s.vmClockNsec() % 1_000_000_000L).append(',');
                Json.field(b, "id", s.id()).append(',');
                Json.field(b, "name", s.name());
                b.append('}');
            }
            b.append("],");
        }
        qcow2.ifPresent(q -> {
            b.append("\"format-specific\":{\"type\":\"qcow2\",\"data\":{");
            Json.field(b, "compat", q.compat()).append(',');
            Json.field(b, "compression-type", q.compressionType()).append(',');
            Json.field(b, "lazy-refcounts", q.lazyRefcounts()).append(',');
            if (!q.bitmaps().isEmpty()) {
                b.append("\"bitmaps\":[");
                for (int i = 0; i < q.bitmaps().size(); i++) {
                    BitmapInfo m = q.bitmaps().get(i);
                    if (i > 0) b.append(',');
                    b.append("{\"flags\":[");
                    String sep = "";
                    if (m.inUse()) {
                        b.append("\"in-use\"");
                        sep = ",";
                    }
                    if (m.enabled()) b.append(sep).append("\"auto\"");
                    b.append("],");
                    Json.field(b, "name", m.name()).append(',');
                    Json.field(b, "granularity", m.granularity()).append('}');
                }
                b.append("],");
            }
            Json.field(b, "refcount-bits", q.refcountBits()).append(',');
            Json.field(b, "corrupt", q.corrupt()).append(',');
            Json.field(b, "extended-l2", q.extendedL2());
            b.append("}},");
        });
        if (!backingChain.isEmpty()) {
            b.append("\"backing-chain\":[");
            for (int i = 0; i < backingChain.size(); i++) {
                if (i > 0) b.append(',');
                b.append(backingChain.get(i).toJson());
            }
            b.append("],");
        }
        Json.field(b, "dirty-flag", dirtyFlag);
        return b.append('}').toString();
    }
}
