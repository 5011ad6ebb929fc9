package dev.hyperlab.core.engine.machine;

import java.util.Map;
import java.io.IOException;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.core.sim.Simulation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import dev.hyperlab.core.engine.persist.SavedDoc;

/**
 * A host's start policy at work: VMs asked to start wait in a queue ordered by boot priority, then by request order;
 * at most {@code maxConcurrentBoots} boot at once, and a higher priority group starts only when the previous group is
 * running and its {@code groupDelay} has passed (Proxmox's startup order and "up" delay).
 */
public final class StartScheduler {
    private final HostMachine host;
    public final List<VmMachine> queue = new ArrayList<>();
    int booting;
    /** Priority of the group started last, and when its last member finished booting (-1: still booting). */
    int lastPriority = Integer.MIN_VALUE;
    long groupDoneAt = -1;
    /** Lab time of the pending start gate, or -1. */
    private long gateAt = -1;

    StartScheduler(HostMachine host) {
        this.host = host;
    }

    private static final Comparator<VmMachine> ORDER =
            Comparator.comparingInt((VmMachine v) -> v.bootPriority).thenComparingLong(v -> v.startRequest);

    void enqueue(VmMachine vm) {
        int i = java.util.Collections.binarySearch(queue, vm, ORDER);
        queue.add(i < 0 ? -i - 1 : i, vm);
    }

    public boolean remove(VmMachine vm) {
        return queue.remove(vm);
    }

    /** Starts every queued VM the policy allows now; schedules a gate event when a group delay is pending. */
    public void admit() {
        StartPolicy policy = host.startPolicy();
        Simulation sim = host.env.sim();
        while (!queue.isEmpty()) {
            if (policy.maxConcurrentBoots() > 0 && booting >= policy.maxConcurrentBoots()) {
                return;
            }
            VmMachine next = queue.getFirst();
            if (next.bootPriority > lastPriority && lastPriority != Integer.MIN_VALUE) {
                // a new group: the previous one must be up, then wait its delay
                if (booting > 0) {
                    return;
                }
                long opens = groupDoneAt + policy.groupDelay().toNanos();
                if (groupDoneAt >= 0 && opens > sim.now()) {
                    if (gateAt != opens) {
                        gateAt = opens;
                        sim.at(opens, Simulation.PRIORITY_CONTROL, new StartGate(host.name));
                    }
                    return;
                }
            }
            queue.removeFirst();
            lastPriority = next.bootPriority;
            groupDoneAt = -1;
            booting++;
            if (!next.admitted()) {
                booting--; // refused (not enough memory): it never started
            }
        }
    }

    /** A VM this scheduler started is running, failed, or was stopped. */
    void bootEnded() {
        booting--;
        if (booting == 0) {
            groupDoneAt = host.env.sim().now();
        }
        admit();
    }

    /** A start gate event fired at {@code now}: when it is the pending one (not stale), the gate opens and starts are admitted. */
    public void gateEvent(long now) {
        if (gateAt != now) {
            return;
        }
        gateAt = -1;
        admit();
    }

    /** A VM reverted to the middle of its boot is back in one of the host's boot slots. */
    void bootResumed() {
        booting++;
    }

    /** The host lost power: nothing is queued or booting any more. */
    void clear() {
        queue.clear();
        booting = 0;
        lastPriority = Integer.MIN_VALUE;
        groupDoneAt = -1;
        gateAt = -1;
    }

    // ---- saved with the lab, in its host's object (LabCodec) ----

    void save(JsonGenerator g) throws IOException {
        SavedDoc.writeStrings(g, "startQueue", queue.stream().map(v -> v.name).toList());
        g.writeNumberField("booting", booting);
        g.writeNumberField("lastPriority", lastPriority);
        g.writeNumberField("groupDoneAt", groupDoneAt);
        g.writeNumberField("gateAt", gateAt);
    }

    /** Reads back what {@link #save} wrote but the queue, which {@link #restoreQueue} links once the VMs exist. */
    void restore(Map<String, Object> h) throws IOException {
        booting = (int) SavedDoc.num(h, "booting");
        lastPriority = (int) SavedDoc.num(h, "lastPriority");
        groupDoneAt = SavedDoc.num(h, "groupDoneAt");
        gateAt = SavedDoc.num(h, "gateAt");
    }

    public void restoreQueue(Map<String, Object> h, Map<String, VmMachine> vms) throws IOException {
        for (String vm : SavedDoc.strings(h, "startQueue")) {
            queue.add(vms.get(vm));
        }
    }
}
