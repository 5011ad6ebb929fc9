package dev.hyperlab.core.engine.machine;

import java.util.Map;
import java.io.IOException;
import com.fasterxml.jackson.core.JsonGenerator;
import static dev.hyperlab.core.calibration.Calibration.*;

import dev.hyperlab.api.lab.HostMemory;
import dev.hyperlab.api.lab.MemoryPolicy;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.core.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import dev.hyperlab.core.engine.persist.SavedDoc;

/**
 * A host's memory: who backs what, and how the hypervisor gets memory back when its VMs were promised more than it
 * has. The reclamation order is the one hypervisors document (docs/calibration.md, section 7): page sharing in the
 * background, then balloons (free guest pages first, down to a floor), then host swap; and when even swap is full,
 * the VM that asked is out of memory.
 *
 * <p>Accounting, per running VM: {@code actual} (logical size, below {@code configured} by what the balloon holds),
 * {@code resident} (guest pages the host backs), {@code swapped} (guest pages in host swap), {@code guestUsed} (pages
 * the guest itself uses; the rest of {@code resident} is free in the guest, which is what a balloon takes first).
 * The host's used memory is the VMs' resident pages and VMM overhead, less what page sharing saves.
 *
 * <p>Reclaim that a boot step needs is charged to that step as its memory part (boundBy {@code memory}): balloon
 * inflation at the driver's rate, swap-out and swap-in as real I/O on the host's disk, shared with everything else.
 */
public final class MemoryManager {
    /** The x86 page size: KSM's scan rate is counted in pages. */
    static final long PAGE_BYTES = 4096;

    /** A host's default policy: Proxmox's automatic ballooning on, no host swap, no page sharing (KSM's run=0). */
    static final MemoryPolicy DEFAULT_POLICY = new MemoryPolicy(true, 0, false);

    private final HostMachine host;
    private MemoryPolicy policy = DEFAULT_POLICY;
    /** Host swap in use (the host clears it when it loses power). */
    long swapUsed;
    /** Lab time of the last accounting update (KSM and balloon progress run between updates). */
    long lastUpdate;
    /** Lab time of the pending memory tick, or -1. */
    private long tickAt = -1;
    /** Lab time the auto-balloon policy last re-targeted. */
    long lastPolicyRun = -1;
    /** The host's memory over time: {time, usable, used, swap used, page sharing's saving}, one row per change. */
    private final SampleRows samples = new SampleRows();

    /** The host's memory over time (copies, oldest first): see {@link #samples}. */
    public List<long[]> samples() {
        return samples.list();
    }

    MemoryManager(HostMachine host) {
        this.host = host;
    }

    /** Host swap in use, in bytes. */
    public long swapUsed() {
        return swapUsed;
    }

    /** The host's memory policy: auto-ballooning, swap, page sharing ({@code mem policy}). */
    public MemoryPolicy policy() {
        return policy;
    }

    /** Sets the memory policy; refused, changing nothing, when the swap would shrink below what is in it. */
    public void changePolicy(MemoryPolicy next) {
        update();
        // swap is space on the host's disks: no more than they hold (10 TiB of swap on a 32 GiB disk was taken, and
        // admission counted it as room)
        long disks = 0;
        for (HostDisk d : host.disks()) {
            disks += d.size();
        }
        if (next.swapBytes() > disks) {
            throw dev.hyperlab.api.lab.LabException.insufficient("host " + host.name + " has " + Sizes.format(disks)
                    + " of disk, too little for " + Sizes.format(next.swapBytes()) + " of swap", "give it at most "
                    + Sizes.format(disks));
        }
        if (next.swapBytes() < swapUsed) {
            throw dev.hyperlab.api.lab.LabException.notAllowed("host " + host.name + " has " + Sizes.format(swapUsed)
                    + " in swap", "swap space cannot shrink below what is in it");
        }
        policy = next;
        host.env.log(host.name, "memory-policy", "auto-balloon=" + next.autoBalloon(), "swap=" + next.swapBytes(),
                "page-sharing=" + next.pageSharing());
        changed();
    }

    /** Lab time of the pending memory tick, or -1: a tick event at another time is stale. */
    public long tickAt() {
        return tickAt;
    }

    /** The VMs holding memory on this host, in name order (kept as VMs start and stop: read on every touch). */
    /** Sorted by name. Walked by index: on a storm's hot path an iterator was one more object per walk. */
    private final List<VmMachine> holders = new ArrayList<>();

    List<VmMachine> holders() {
        return holders;
    }

    private static final java.util.Comparator<VmMachine> BY_NAME = java.util.Comparator.comparing(Machine::name);

    private void hold(VmMachine v) {
        int i = java.util.Collections.binarySearch(holders, v, BY_NAME);
        if (i < 0) {
            holders.add(-i - 1, v);
        }
    }

    /** Rebuilds the holder list from the VMs' own state (after a load, or after the host lost power). */
    public void reindex() {
        holders.clear();
        for (String name : host.vms) {
            VmMachine v = host.env.vmMachine(name);
            if (v.holdsMemory()) {
                holders.add(v);
            }
        }
    }

    long usable() {
        return host.usableMemory();
    }

    long used() {
        long sum = 0;
        for (int i = 0; i < holders.size(); i++) {
            VmMachine v = holders.get(i);
            sum += v.account.resident + v.overhead() - v.account.shared;
        }
        return sum;
    }

    /** Memory page sharing saves now: what each VM's merged pages save, summed. */
    long ksmSaved() {
        long sum = 0;
        for (int i = 0; i < holders.size(); i++) {
            VmMachine v = holders.get(i);
            sum += v.account.shared;
        }
        return sum;
    }

    long free() {
        return usable() - used();
    }

    /** ESXi's minFree: 899 MB plus 1 % of memory beyond 28 GB. */
    long minFree() {
        long beyond = Math.max(0, host.ram - 28_000_000_000L);
        return MINFREE_BASE_BYTES + Math.round(beyond * MINFREE_ABOVE_28GB_FRACTION);
    }

    /** The free-memory state by ESXi's thresholds, named as ESXi names them. */
    String state() {
        double f = (double) free() / minFree();
        if (f >= STATE_HIGH) {
            return "high";
        } else if (f >= STATE_CLEAR) {
            return "clear";
        } else if (f >= STATE_SOFT) {
            return "soft";
        } else if (f >= STATE_HARD) {
            return "hard";
        }
        return "low";
    }

    public HostMemory info() {
        long usable = usable();
        long committed = host.committed();
        long used = used();
        return new HostMemory(host.ram, usable, committed, used, usable - used,
                usable == 0 ? 0 : (double) committed / usable, swapUsed, policy.swapBytes(), ksmSaved(), state());
    }

    // ---- admission ------------------------------------------------------------------------------------------------

    /** The least a VM can be squeezed to: its balloon floor when it can be ballooned, else all of it. */
    long floor(VmMachine v) {
        return floor(v, v.memory);
    }

    /** {@link #floor(VmMachine)} of {@code v} were its memory {@code memory}. */
    private long floor(VmMachine v, long memory) {
        if (policy.autoBalloon() && v.balloonCapable()) {
            // calibration: vm.resources.mem_reservation (memory.min: never ballooned below its reservation)
            return Math.max(memory - (long) (memory * BALLOON_MAX_FRACTION), reserved(v, memory));
        }
        return memory;
    }

    /**
     * Whether the host can promise running {@code v} {@code bytes} more memory (a hot-add), as its admission control
     * promises a start: empty when it can, else why not.
     */
    public String hotAddRefusal(VmMachine v, long bytes) {
        long promised = 0;
        for (int i = 0; i < holders.size(); i++) {
            VmMachine u = holders.get(i);
            promised += floor(u) + u.overhead();
        }
        long more = floor(v, v.memory + bytes) - floor(v);
        long capacity = usable() + policy.swapBytes();
        if (promised + more <= capacity) {
            return "";
        }
        return "host " + host.name + " cannot promise VM " + v.name + " " + Sizes.format(more) + " more: its VMs hold "
                + "at least " + Sizes.format(promised) + " of " + Sizes.format(usable()) + " usable memory and "
                + Sizes.format(policy.swapBytes()) + " swap";
    }

    /** The memory reserved for {@code v} (its memory reservation), at most {@code memory}, its configured memory. */
    private static long reserved(VmMachine v, long memory) {
        return Math.min(memory, v.resources().memReservation());
    }

    /** What the host may swap of {@code u}: its resident pages above its reservation. */
    private static long swappable(VmMachine u) {
        return Math.max(0, u.account.resident - reserved(u, u.memory));
    }

    /**
     * Whether the host can promise {@code v} its floor on top of what it promised the running VMs, counting swap:
     * the hypervisor's admission control. Empty when it can, else why not.
     */
    public String refusal(VmMachine v) {
        long promised = 0;
        for (int i = 0; i < holders.size(); i++) {
            VmMachine u = holders.get(i);
            if (!u.name.equals(v.name)) { // a VM being reverted gives back what it holds before it takes the snapshot's
                promised += floor(u) + u.overhead();
            }
        }
        long need = floor(v) + v.overhead();
        long capacity = usable() + policy.swapBytes();
        if (promised + need <= capacity) {
            return "";
        }
        return "host " + host.name + " cannot promise " + Sizes.format(need) + " more: its VMs hold at least "
                + Sizes.format(promised) + " of " + Sizes.format(usable()) + " usable memory and "
                + Sizes.format(policy.swapBytes()) + " swap";
    }

    /**
     * A VM that arrived by live migration: the pages the migration sent ({@code backed}) are resident here from now
     * (the destination was checked to promise them first, {@link #refusal}).
     */
    void arrived(VmMachine v, long backed) {
        Grant g = touch(v, backed);
        if (g.failed()) {
            throw new IllegalStateException("host " + host.name + " was checked to take VM " + v.name + ": " + g.failure());
        }
    }

    /** Memory this host can still promise a VM (usable memory and swap, less what its VMs hold at least). */
    public long headroom() {
        long promised = 0;
        for (int i = 0; i < holders.size(); i++) {
            VmMachine u = holders.get(i);
            promised += floor(u) + u.overhead();
        }
        return usable() + policy.swapBytes() - promised;
    }

    /** What VM {@code v} would be promised here at least: its floor and its overhead (as {@link #refusal} counts). */
    public long promiseOf(VmMachine v) {
        return floor(v) + v.overhead();
    }

    // ---- reclaim for a step -------------------------------------------------------------------------------------------

    /** What a step waits for to get memory: balloon inflation time, and swap I/O on the host's disk. */
    record Grant(long balloonNanos, long swapOutBytes, long swapInBytes, String failure) {
        static final Grant NONE = new Grant(0, 0, 0, "");

        /** A grant that costs nothing and did not fail: {@link #NONE}, not a new one (a storm's boots made 100,000 each). */
        static Grant of(long balloonNanos, long swapOutBytes, long swapInBytes) {
            return balloonNanos == 0 && swapOutBytes == 0 && swapInBytes == 0 ? NONE
                    : new Grant(balloonNanos, swapOutBytes, swapInBytes, "");
        }

        boolean failed() {
            return !failure.isEmpty();
        }
    }

    /**
     * Before a guest with a balloon touches its memory, the policy sizes its balloon so the touch fits what the host
     * can give without swapping (never below the floor): the balloon takes pages the guest has not touched yet, at no
     * cost. This is the VMM allocation under overcommit forcing reclaim rather than swap.
     */
    void fit(VmMachine v, long touchTarget) {
        if (!policy.autoBalloon() || !v.account.balloonLoaded) {
            return;
        }
        update();
        long backed = v.account.resident + v.account.swapped;
        long want = touchTarget - backed;
        long canGive = Math.max(0, free()) + reclaimable(v);
        if (want <= canGive) {
            return;
        }
        long actual = Math.max(floor(v), backed + canGive);
        if (actual < v.account.actual) {
            v.account.actual = actual;
            v.account.target = Math.min(v.account.target, actual);
            changed();
        }
    }

    /** What the balloons of VMs other than {@code asker} could give now. */
    private long reclaimable(VmMachine asker) {
        long sum = 0;
        for (int i = 0; i < holders.size(); i++) {
            VmMachine u = holders.get(i);
            if (u != asker && u.balloonWorks()) {
                sum += Math.max(0, Math.min(u.account.actual - floor(u), u.account.resident - u.account.guestUsed));
            }
        }
        return sum;
    }

    /** {@code v} touches {@code bytes} more of its memory: free memory first, then reclaim from others. */
    Grant touch(VmMachine v, long bytes) {
        if (bytes <= 0) {
            return Grant.NONE;
        }
        update();
        Reclaim r = reclaim(v, bytes - Math.max(0, free()));
        if (r.failure != null) {
            return new Grant(0, 0, 0, r.failure);
        }
        v.account.resident += bytes;
        long over = overLimit(v);
        if (over > 0) { // calibration: vm.resources.mem_limit (memory.max: beyond it the VM's own pages are swapped)
            if (over > policy.swapBytes() - swapUsed) {
                v.account.resident -= bytes;
                return new Grant(0, 0, 0, "out of memory: VM " + v.name + " is at its memory limit of "
                        + Sizes.format(v.resources().memLimit()) + " and host " + host.name + " has no swap space "
                        + "left to put the rest in (mem policy " + host.name + " gives it more swap)");
            }
            v.account.resident -= over;
            v.account.swapped += over;
            swapUsed += over;
        }
        changed();
        return Grant.of(r.balloonNanos, r.swapOut + Math.max(0, over), 0);
    }

    /** How far {@code v}'s resident memory is above its limit ({@code --mem-limit}), 0 when it has none. */
    private static long overLimit(VmMachine v) {
        long limit = v.resources().memLimit();
        return limit > 0 ? v.account.resident - limit : 0;
    }

    /** {@code v}'s swapped pages fault back in (it runs again): read them, and make room for them. */
    Grant faultIn(VmMachine v) {
        long bytes = v.account.swapped;
        if (v.resources().memLimit() > 0) { // never back above its limit: what is beyond it stays swapped
            bytes = Math.min(bytes, Math.max(0, v.resources().memLimit() - v.account.resident));
        }
        if (bytes <= 0) {
            return Grant.NONE;
        }
        update();
        v.account.swapped -= bytes;
        swapUsed -= bytes;
        Reclaim r = reclaim(v, bytes - Math.max(0, free()));
        if (r.failure != null) {
            // cannot happen while the freed swap is there to swap others to; keep the accounting whole regardless
            v.account.swapped += bytes;
            swapUsed += bytes;
            return new Grant(0, 0, 0, r.failure);
        }
        v.account.resident += bytes;
        v.account.majorFaults += (bytes + SWAP_CLUSTER_BYTES - 1) / SWAP_CLUSTER_BYTES;
        changed();
        return Grant.of(r.balloonNanos, r.swapOut, bytes);
    }

    private record Reclaim(long balloonNanos, long swapOut, String failure) {}

    /** Finds {@code deficit} bytes for {@code asker}: balloons of other VMs first, then host swap. All or nothing. */
    private Reclaim reclaim(VmMachine asker, long deficit) {
        if (deficit <= 0) {
            return new Reclaim(0, 0, null);
        }
        List<VmMachine> others = new ArrayList<>();
        for (int i = 0; i < holders.size(); i++) {
            VmMachine u = holders.get(i);
            if (u != asker) {
                others.add(u);
            }
        }
        // balloons take pages that are backed but free in the guest, down to each VM's floor
        long[] give = new long[others.size()];
        long available = 0;
        if (policy.autoBalloon()) {
            for (int i = 0; i < others.size(); i++) {
                VmMachine u = others.get(i);
                if (u.balloonWorks()) {
                    give[i] = Math.max(0, Math.min(u.account.actual - floor(u), u.account.resident - u.account.guestUsed));
                    available += give[i];
                }
            }
        }
        long fromBalloons = Math.min(deficit, available);
        long rest = deficit - fromBalloons;
        if (rest > policy.swapBytes() - swapUsed) {
            return new Reclaim(0, 0, "out of memory: host " + host.name + " needs " + Sizes.format(rest)
                    + " more than its balloons can give, and its swap space is "
                    + (policy.swapBytes() == 0 ? "none" : "full") + " (mem policy " + host.name + " gives it more swap)");
        }
        long slowest = 0;
        long taken = 0;
        for (int i = 0; i < others.size() && fromBalloons > 0; i++) {
            if (give[i] == 0) {
                continue;
            }
            // shares computed in double: byte counts multiplied together overflow a long
            long t = i == lastNonZero(give) ? fromBalloons - taken : (long) ((double) fromBalloons * give[i] / available);
            t = Math.min(t, give[i]);
            VmMachine u = others.get(i);
            u.account.actual -= t;
            u.account.target = Math.min(u.account.target, u.account.actual);
            u.account.resident -= t;
            taken += t;
            slowest = Math.max(slowest, t);
        }
        if (rest > 0) {
            List<VmMachine> victims = others.isEmpty() ? List.of(asker) : others;
            long swappable = 0;
            for (VmMachine u : victims) {
                swappable += swappable(u);
            }
            if (rest > swappable) { // only with reservations: without one every resident page may be swapped
                return new Reclaim(0, 0, "out of memory: host " + host.name + " needs " + Sizes.format(rest)
                        + " more but its other VMs' reservations protect all they hold beyond "
                        + Sizes.format(swappable));
            }
            swapOut(victims, rest);
        }
        long nanos = (long) Math.ceil(slowest / BALLOON_INFLATE_BPS * 1e9);
        return new Reclaim(nanos, rest, null);
    }

    private static int lastNonZero(long[] a) {
        for (int i = a.length - 1; i >= 0; i--) {
            if (a[i] > 0) {
                return i;
            }
        }
        return -1;
    }

    /** The host swaps {@code bytes} of the victims' resident pages out, in proportion to what each has. */
    private void swapOut(List<VmMachine> victims, long bytes) {
        long pool = 0;
        for (VmMachine u : victims) {
            pool += swappable(u);
        }
        long done = 0;
        for (int i = 0; i < victims.size(); i++) {
            VmMachine u = victims.get(i);
            long x = i == victims.size() - 1 ? bytes - done : pool == 0 ? 0 : (long) ((double) bytes * swappable(u) / pool);
            x = Math.min(x, swappable(u));
            u.account.resident -= x;
            u.account.swapped += x;
            done += x;
        }
        // shares rounded down, and a last victim with less than the remainder, leave a few bytes: the first VMs that
        // still have pages give them, so the host never promises more than it holds
        for (int i = 0; i < victims.size() && done < bytes; i++) {
            VmMachine u = victims.get(i);
            long x = Math.min(bytes - done, swappable(u));
            u.account.resident -= x;
            u.account.swapped += x;
            done += x;
        }
        swapUsed += done;
    }

    // ---- a VM starts or stops holding memory -------------------------------------------------------------------------

    /**
     * A running guest was given {@code bytes} more memory (a hot-added DIMM its OS onlined): what it sees, and so its
     * balloon target, rise by as much; the host backs the new pages as the guest touches them.
     */
    void hotAdded(VmMachine v, long bytes) {
        update();
        v.account.target += bytes;
        v.account.actual += bytes;
        changed();
    }

    void started(VmMachine v) {
        update();
        hold(v);
        v.account.target = v.memory;
        v.account.actual = v.memory;
        v.account.resident = 0;
        v.account.swapped = 0;
        v.account.guestUsed = 0;
        v.account.balloonLoaded = false;
        changed();
    }

    /**
     * A reverted VM holds memory again with the guest's side of its snapshot, as its account was restored with it:
     * balloon target and size, what the guest uses, whether its balloon driver was loaded. Its pages are backed as the
     * revert loads them.
     */
    void restored(VmMachine v) {
        update();
        hold(v);
        v.account.resident = 0;
        v.account.swapped = 0;
        v.account.shared = 0;
        changed();
    }

    void stopped(VmMachine v) {
        update();
        swapUsed -= v.account.swapped;
        v.account.resident = 0;
        v.account.swapped = 0;
        v.account.guestUsed = 0;
        v.account.shared = 0;
        v.account.balloonLoaded = false;
        holders.remove(v);
        for (int i = 0; i < holders.size(); i++) {
            VmMachine u = holders.get(i);
            u.account.shared = Math.min(u.account.shared, potential(u)); // pages it shared with a VM that is gone are its own again
        }
        changed();
    }

    /** The guest's drivers are loaded (it is about to touch its memory): its balloon works if it has a driver for one. */
    void driversLoaded(VmMachine v) {
        v.account.balloonLoaded = v.balloonCapable();
    }

    /** The guest uses at least {@code workingSet} of its memory, never more than its logical size. */
    void guestUses(VmMachine v, long workingSet) {
        v.account.guestUsed = Math.min(v.account.actual, Math.max(v.account.guestUsed, workingSet));
    }

    /**
     * The host lost power under {@code v}: its pages are gone, in memory and in swap (the host's own sums and holders
     * are reset once every VM has been told).
     */
    void lost(VmMachine v) {
        v.account.resident = 0;
        v.account.swapped = 0;
        v.account.shared = 0;
        v.account.balloonLoaded = false;
    }

    /**
     * {@code v} rewrote its memory (a guest reboot zeroes and refills it): its shared pages were copied on write, so
     * what page sharing saved on them is gone until KSM finds them again (docs: mem.ksm.cow_on_write).
     */
    void rewrote(VmMachine v) {
        update();
        v.account.shared = 0;
        changed();
    }

    /** A person sets a VM's balloon target ({@code mem balloon}); the driver reaches it at its rate. */
    void setTarget(VmMachine v, long target) {
        update();
        v.account.target = target;
        changed();
    }

    // ---- time: balloons converging, the auto-balloon policy, page sharing ------------------------------------------

    /** Brings balloons and page sharing up to now. */
    public void update() {
        Simulation sim = host.env.sim();
        long now = sim.now();
        double dt = (now - lastUpdate) / 1e9;
        lastUpdate = now;
        if (dt <= 0) {
            return;
        }
        long step = (long) (BALLOON_INFLATE_BPS * dt);
        for (int i = 0; i < holders.size(); i++) {
            VmMachine v = holders.get(i);
            if (v.account.actual != v.account.target && v.balloonWorks()) {
                long delta = Math.max(-step, Math.min(step, v.account.target - v.account.actual));
                applyBalloon(v, v.account.actual + delta);
            }
        }
        List<VmMachine> vms = holders();
        if (!policy.pageSharing()) {
            for (VmMachine v : vms) {
                v.account.shared = 0;
            }
            return;
        }
        // ksmd's scan budget goes to the guests with pages left to merge, in proportion to what each has left
        long budget = (long) (KSM_SCAN_PAGES_PER_S * PAGE_BYTES * dt);
        long[] gap = new long[vms.size()];
        long totalGap = 0;
        for (int i = 0; i < vms.size(); i++) {
            VmMachine v = vms.get(i);
            long p = potential(v, vms);
            v.account.shared = Math.min(v.account.shared, p);
            gap[i] = p - v.account.shared;
            totalGap += gap[i];
        }
        if (totalGap == 0) {
            return;
        }
        double share = Math.min(1.0, (double) budget / totalGap);
        for (int i = 0; i < vms.size(); i++) {
            vms.get(i).account.shared += (long) (gap[i] * share);
        }
    }

    /** The VM's logical size becomes {@code actual}: a bigger balloon gives back free pages, then squeezes the guest. */
    private void applyBalloon(VmMachine v, long actual) {
        if (actual < v.account.actual) {
            long freed = v.account.actual - actual;
            long freeBacked = Math.max(0, v.account.resident - v.account.guestUsed);
            v.account.resident -= Math.min(freed, freeBacked);
            // below what the guest uses, the guest pages out to its own disk (docs: mem.balloon.guest_pressure_path)
            v.account.resident = Math.min(v.account.resident, actual);
            v.account.guestUsed = Math.min(v.account.guestUsed, actual);
            v.account.shared = Math.min(v.account.shared, v.account.resident);
        }
        v.account.actual = actual;
    }

    /** What page sharing could save on {@code v}: identical guests (same base image) share more than diverse ones. */
    long potential(VmMachine v) {
        return potential(v, holders());
    }

    private static long potential(VmMachine v, List<VmMachine> vms) {
        return (long) (v.account.resident * sharingFraction(v, vms));
    }

    /** Whether page sharing has pages left to merge. */
    private boolean sharingConverging() {
        List<VmMachine> vms = holders();
        for (VmMachine v : vms) {
            if (v.account.shared != potential(v, vms)) {
                return true;
            }
        }
        return false;
    }

    static double sharingFraction(VmMachine v, List<VmMachine> vms) {
        for (VmMachine u : vms) {
            if (u != v && !v.os.isEmpty() && u.os.equals(v.os)) {
                return SHARING_IDENTICAL_FRACTION;
            }
        }
        return SHARING_DIVERSE_FRACTION;
    }

    /** Whether something is still moving: a balloon short of its target, sharing short of its potential, a policy. */
    boolean active() {
        if (cachesGrowing()) {
            return true;
        }
        for (int i = 0; i < holders.size(); i++) {
            VmMachine v = holders.get(i);
            if (v.account.actual != v.account.target && v.balloonWorks()) {
                return true;
            }
        }
        if (policy.pageSharing() && sharingConverging()) {
            return true;
        }
        return policy.autoBalloon() && policyWantsChange();
    }

    /**
     * Linux guests' page caches grow by the file bytes their workloads read and write, one memory cycle's worth per
     * tick, until only the free floor is left (docs: mem.guest.linux.page_cache_fills_free, mem.guest.linux.free_floor).
     * The pages are found as any touch finds them (free memory, then balloons, then host swap); the swap-out I/O this
     * causes is not charged to the disk (the cache grows between steps, outside any step's demand). Where even swap
     * is full the cache stops growing: the guest reclaims its own cache before anything fails.
     */
    private void growCaches() {
        for (VmMachine v : holders()) {
            long grow = cacheGrowth(v);
            if (grow <= 0) {
                continue;
            }
            Grant g = touch(v, grow);
            if (!g.failed()) {
                guestUses(v, v.account.backed());
            }
        }
    }

    /** What {@code v}'s page cache grows by in one memory cycle now (0 for non-Linux guests and full caches). */
    private long cacheGrowth(VmMachine v) {
        if (!v.work.running() || !v.profileOrDefault().family().equals("linux") || !v.balloonOrCacheCanGrow()) {
            return 0;
        }
        double rate = v.work.ioBytesPerSecondNow();
        if (rate <= 0) {
            return 0;
        }
        long room = v.account.actual - linuxFreeFloor(v.account.actual) - v.account.backed();
        return Math.max(0, Math.min(room, (long) (rate * AUTO_BALLOON_CYCLE_S)));
    }

    private boolean cachesGrowing() {
        for (int i = 0; i < holders.size(); i++) {
            VmMachine v = holders.get(i);
            if (cacheGrowth(v) > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Memory a Linux guest keeps free (its zone high watermark): min_free_kbytes = sqrt(16 x memory KiB), clamped to
     * 128 KiB .. 256 MiB, plus twice max(min / 4, 0.1 % of memory). calibration: mem.guest.linux.free_floor
     */
    static long linuxFreeFloor(long memory) {
        long kib = memory >> 10;
        long min = Math.max(128, Math.min(262_144, (long) Math.sqrt(16.0 * kib)));
        long gap = Math.max(min / 4, kib * 10 / 10_000);
        return (min + 2 * gap) << 10;
    }

    /** Proxmox's automatic ballooning: keep host use near its target share, moving each VM by at most 100 MiB. */
    boolean policyWantsChange() {
        long goal = (long) (AUTO_BALLOON_TARGET_USED * usable()) - used();
        for (int i = 0; i < holders.size(); i++) {
            VmMachine v = holders.get(i);
            if (!v.balloonWorks()) {
                continue;
            }
            if (goal < 0 && v.account.target > floor(v) && v.account.resident > v.account.guestUsed) {
                return true;
            }
            if (goal > 0 && v.account.target < v.memory) {
                return true;
            }
        }
        return false;
    }

    private void runPolicy() {
        long goal = (long) (AUTO_BALLOON_TARGET_USED * usable()) - used();
        List<VmMachine> ballooned = new ArrayList<>();
        for (int i = 0; i < holders.size(); i++) {
            VmMachine v = holders.get(i);
            if (v.balloonWorks()) {
                ballooned.add(v);
            }
        }
        if (ballooned.isEmpty() || goal == 0) {
            return;
        }
        // equal shares (Proxmox's default of 1000 each): the goal is split evenly
        long each = goal / ballooned.size();
        for (VmMachine v : ballooned) {
            long change = Math.max(-AUTO_BALLOON_MAX_CHANGE_BYTES, Math.min(AUTO_BALLOON_MAX_CHANGE_BYTES, each));
            v.account.target = Math.max(floor(v), Math.min(v.memory, v.account.target + change));
        }
    }

    /** The periodic memory work: balloons, sharing and the policy's cycle. */
    public void tick() {
        tickAt = -1;
        update();
        growCaches();
        long now = host.env.sim().now();
        long cycle = (long) (AUTO_BALLOON_CYCLE_S * 1e9);
        if (policy.autoBalloon() && (lastPolicyRun < 0 || now - lastPolicyRun >= cycle)) {
            lastPolicyRun = now;
            runPolicy();
        }
        changed();
    }

    /** Records a sample and keeps the memory tick scheduled while anything moves. */
    public void changed() {
        long now = host.env.sim().now();
        sample(now);
        if (tickAt < 0 && active()) {
            tickAt = now + (long) (AUTO_BALLOON_CYCLE_S * 1e9);
            host.env.sim().at(tickAt, Simulation.PRIORITY_CONTROL, new MemoryTick(host.name));
        }
    }

    /** One sample for the host and one per VM holding memory, unless nothing changed since the last ones. */
    private void sample(long now) {
        long usable = usable();
        long used = used();
        long saved = ksmSaved();
        if (!samples.lastIs(usable, used, swapUsed, saved)) {
            samples.add(now, usable, used, swapUsed, saved);
        }
        for (int i = 0; i < holders.size(); i++) {
            VmMachine v = holders.get(i);
            v.account.sample(now);
        }
    }

    // ---- saved with the lab, in its host's object (LabCodec) ----

    void save(JsonGenerator g) throws IOException {
        g.writeBooleanField("autoBalloon", policy.autoBalloon());
        g.writeNumberField("swap", policy.swapBytes());
        g.writeBooleanField("pageSharing", policy.pageSharing());
        g.writeNumberField("swapUsed", swapUsed);
        g.writeNumberField("memoryUpdated", lastUpdate);
        g.writeNumberField("memoryTickAt", tickAt);
        g.writeNumberField("policyRun", lastPolicyRun);
        samples.save(g, "memorySamples");
    }

    /** Reads back what {@link #save} wrote; the holders are indexed once the lab's VMs are loaded. */
    void restore(Map<String, Object> h) throws IOException {
        policy = new MemoryPolicy((Boolean) h.get("autoBalloon"), SavedDoc.num(h, "swap"), (Boolean) h.get("pageSharing"));
        swapUsed = SavedDoc.num(h, "swapUsed");
        lastUpdate = SavedDoc.num(h, "memoryUpdated");
        tickAt = SavedDoc.num(h, "memoryTickAt");
        lastPolicyRun = SavedDoc.num(h, "policyRun");
        samples.restore(h, "memorySamples");
    }
}
