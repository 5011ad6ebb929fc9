package dev.hyperlab.core.engine;

import dev.hyperlab.core.model.OsProfile;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.MemoryImage;
import java.util.HashMap;
import java.util.Map;

/**
 * Images held in memory: for labs without a directory and for scale runs, where 100,000 VMs read one shared base
 * layout per profile instead of opening 100,000 files.
 */
final class MemoryImageStore implements ImageStore {
    private final Map<String, MemoryImage> images = new HashMap<>();
    private final Map<String, MemoryImage> bases = new HashMap<>();
    /** Snapshots kept in memory with the images (an in-memory lab is never saved, so neither are they). */
    private final Map<String, DiskSnapshots> snapshots = new HashMap<>();

    @Override
    public DiskImage hostDisk(String host, String device, long size) {
        return images.computeIfAbsent(hostPath(host, device), p -> MemoryImage.blank(p, size));
    }

    @Override
    public void installHostLoader(String host, String device, long size, String firmware, String what) {
        MemoryImage disk = MemoryImage.blank(hostPath(host, device), size);
        BootLayouts.write(disk, firmware, what);
        images.put(hostPath(host, device), disk);
    }

    @Override
    public String createOverlay(String vm, String device, OsProfile profile, String firmware) {
        String key = profile.id() + "@" + firmware;
        MemoryImage base = bases.computeIfAbsent(key, k -> {
            MemoryImage b = MemoryImage.blank("base/" + k, profile.imageSize());
            BootLayouts.write(b, firmware, "os=" + profile.id());
            return b.readOnlyView();
        });
        String path = vmPath(vm, device);
        images.put(path, MemoryImage.overlay(path, base));
        return path;
    }

    @Override
    public String createBlank(String vm, String device, long size) {
        String path = vmPath(vm, device);
        images.put(path, MemoryImage.blank(path, size));
        return path;
    }

    @Override
    public DiskImage open(String path) {
        MemoryImage img = images.get(path);
        if (img == null) {
            throw new IllegalArgumentException("no image " + path + " in this in-memory lab");
        }
        return img;
    }

    boolean has(String path) {
        return images.containsKey(path);
    }

    @Override
    public void delete(String path) {
        images.remove(path);
        snapshots.remove(path);
    }

    @Override
    public DiskSnapshots snapshots(String path) {
        open(path); // an unknown path fails here
        return snapshots.computeIfAbsent(path, p -> new MemoryDiskSnapshots(p, () -> images.get(p),
                img -> images.put(p, img), null));
    }

    @Override
    public String format(String path) {
        return "raw";
    }

    @Override
    public void close() {
        images.clear();
        bases.clear();
        snapshots.clear();
    }

    private static String hostPath(String host, String device) {
        return "mem:hosts/" + host + "/" + device;
    }

    private static String vmPath(String vm, String device) {
        return "mem:vms/" + vm + "/" + device;
    }
}
