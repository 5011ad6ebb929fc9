package dev.hyperlab.core.storage;

import dev.hyperlab.core.json.Json;
import dev.hyperlab.core.storage.qcow2.BitmapInfo;
import dev.hyperlab.core.storage.qcow2.Qcow2Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        return Json.writeInOrder(tree());
    }

    /** The fields in {@code qemu-img info}'s order. */
    private Map<String, Object> tree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filename", filename);
        m.put("format", format.qemuName());
        m.put("virtual-size", virtualSize);
        m.put("actual-size", actualSize);
        clusterSize.ifPresent(c -> m.put("cluster-size", c));
        backingFilename.ifPresent(s -> m.put("backing-filename", s));
        fullBackingFilename.ifPresent(s -> m.put("full-backing-filename", s));
        backingFormat.ifPresent(s -> m.put("backing-filename-format", s));
        if (!snapshots.isEmpty()) {
            List<Object> list = new ArrayList<>();
            for (Qcow2Snapshot s : snapshots) {
                Map<String, Object> sm = new LinkedHashMap<>();
                if (s.icount() != -1) sm.put("icount", s.icount());
                sm.put("vm-state-size", s.vmStateSize());
                sm.put("date-sec", s.dateSec());
                sm.put("date-nsec", s.dateNsec());
                sm.put("vm-clock-sec", s.vmClockNsec() / 1_000_000_000L);
                sm.put("vm-clock-nsec", s.vmClockNsec() % 1_000_000_000L);
                sm.put("id", s.id());
                sm.put("name", s.name());
                list.add(sm);
            }
            m.put("snapshots", list);
        }
        qcow2.ifPresent(q -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("compat", q.compat());
            data.put("compression-type", q.compressionType());
            data.put("lazy-refcounts", q.lazyRefcounts());
            if (!q.bitmaps().isEmpty()) {
                List<Object> list = new ArrayList<>();
                for (BitmapInfo b : q.bitmaps()) {
                    List<String> flags = new ArrayList<>();
                    if (b.inUse()) flags.add("in-use");
                    if (b.enabled()) flags.add("auto");
                    Map<String, Object> bm = new LinkedHashMap<>();
                    bm.put("flags", flags);
                    bm.put("name", b.name());
                    bm.put("granularity", b.granularity());
                    list.add(bm);
                }
                data.put("bitmaps", list);
            }
            data.put("refcount-bits", q.refcountBits());
            data.put("corrupt", q.corrupt());
            data.put("extended-l2", q.extendedL2());
            Map<String, Object> specific = new LinkedHashMap<>();
            specific.put("type", "qcow2");
            specific.put("data", data);
            m.put("format-specific", specific);
        });
        if (!backingChain.isEmpty()) {
            List<Object> list = new ArrayList<>();
            for (ImageInfo below : backingChain) list.add(below.tree());
            m.put("backing-chain", list);
        }
        m.put("dirty-flag", dirtyFlag);
        return m;
    }
}
