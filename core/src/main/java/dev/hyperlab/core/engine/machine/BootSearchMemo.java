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
 * may look at anything. The same holds for the rest of such a VM's boot plan when its guest has only built-in drivers, so
 * that is remembered too ({@link PlanKey}): a storm of clones plans one boot, and the VMs after the first copy it.
 */
public final class BootSearchMemo {
    /**
     * What a search depends on: the firmware model, and each disk's device name with the identity of its content (see
     * {@link dev.hyperlab.core.engine.image.ImageStore#sharedContent}).
     */
    record Key(String firmware, List<Object> disks) {}

    /** What the search found, and the boot loader's bytes read from the device it found (never changed by readers). */
    record Found(BootOutcome outcome, byte[] loader) {}

    /**
     * What the boot plan from the firmware on depends on beside the search: the OS the VM was given (the profile a
     * foreign boot loader falls back to), the drivers present in the guest (all built-in: a plugin's driver may look at
     * anything) and its memory (a guest that zeroes its memory at boot takes time in proportion).
     */
    record PlanKey(Key search, String os, List<String> drivers, long memory) {}

    /** The steps from the firmware on (never changed by readers) and the OS profile the boot reaches. */
    record Plan(List<PlannedStep> steps, dev.hyperlab.core.calibration.OsProfile os) {}

    /**
     * What a host's boot plan depends on when its firmware is a built-in model and each disk in its boot order holds
     * exactly the boot loader {@code host install} laid ({@link dev.hyperlab.core.engine.image.ImageStore#hostDiskContent}):
     * the firmware, the facts its POST reads (cores, clock, memory, disks, NICs), the enrolled keys and each boot-order
     * entry with its disk's content. A storm's 10,000 hosts plan one boot.
     */
    record HostKey(String firmware, int cores, double ghz, long ram, int disks, int nics, List<?> keys,
            List<Object> bootOrder) {
        // written out: the record's own go through ObjectMethods' method-handle chains, which a storm's first hosts run
        // interpreted (they showed in its samples) and its 10,000 power-ons each ask
        @Override
        public boolean equals(Object o) {
            return o instanceof HostKey k && cores == k.cores && Double.compare(ghz, k.ghz) == 0 && ram == k.ram
                    && disks == k.disks && nics == k.nics && firmware.equals(k.firmware) && keys.equals(k.keys)
                    && bootOrder.equals(k.bootOrder);
        }

        @Override
        public int hashCode() {
            int h = firmware.hashCode();
            h = 31 * h + cores;
            h = 31 * h + Double.hashCode(ghz);
            h = 31 * h + Long.hashCode(ram);
            h = 31 * h + disks;
            h = 31 * h + nics;
            h = 31 * h + keys.hashCode();
            return 31 * h + bootOrder.hashCode();
        }
    }

    private final Map<Key, Found> found = new HashMap<>();
    private final Map<PlanKey, Plan> plans = new HashMap<>();
    private final Map<HostKey, List<PlannedStep>> hostPlans = new HashMap<>();

    Found get(Key key) {
        return found.get(key);
    }

    void put(Key key, Found f) {
        found.put(key, f);
    }

    Plan plan(PlanKey key) {
        return plans.get(key);
    }

    void putPlan(PlanKey key, Plan plan) {
        plans.put(key, plan);
    }

    /** The host plan asked for last and its key: a storm's hosts boot alike, one after another. */
    private HostKey lastHostKey;
    private List<PlannedStep> lastHostPlan;

    /** The boot plan of hosts with {@code key} (never changed by readers), or null. */
    List<PlannedStep> hostPlan(HostKey key) {
        if (key.equals(lastHostKey)) {
            return lastHostPlan;
        }
        List<PlannedStep> steps = hostPlans.get(key);
        if (steps != null) {
            lastHostKey = key;
            lastHostPlan = steps;
        }
        return steps;
    }

    void putHostPlan(HostKey key, List<PlannedStep> steps) {
        hostPlans.put(key, steps);
    }
}
