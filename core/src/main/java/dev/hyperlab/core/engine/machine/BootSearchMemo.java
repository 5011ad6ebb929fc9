package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.spi.BootOutcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The boot searches of a lab's VMs whose disks are all unwritten copies of shared base images (a storm's clones of one
 * OS image): the firmware reads the same MBR or ESP and the same boot loader for every such VM, so the lab searches
 * once per firmware and set of disk contents, and the VMs after the first reuse what it found. Only the built-in
 * firmware models are remembered: what they find depends on the disks' bytes and nothing else, where a plugin's model
 * may look at anything.
 */
public final class BootSearchMemo {
    /**
     * What a search depends on: the firmware model, and each disk's device name with the identity of its content (see
     * {@link dev.hyperlab.core.engine.image.ImageStore#sharedContent}).
     */
    record Key(String firmware, List<Object> disks) {}

    /** What the search found, and the boot loader's bytes read from the device it found (never changed by readers). */
    record Found(BootOutcome outcome, byte[] loader) {}

    private final Map<Key, Found> found = new HashMap<>();

    Found get(Key key) {
        return found.get(key);
    }

    void put(Key key, Found f) {
        found.put(key, f);
    }
}
