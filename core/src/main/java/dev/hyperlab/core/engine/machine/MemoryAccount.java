package dev.hyperlab.core.engine.machine;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.hyperlab.core.engine.persist.SavedDoc;

/**
 * A VM's memory as its host's {@link MemoryManager} accounts it while the VM holds memory (the terms are the memory
 * manager's). The memory manager is the only one that changes it; everything else reads it (MachineStateTest keeps it
 * so), so that the host's sums and each VM's account cannot drift apart.
 */
public final class MemoryAccount {
    /** The balloon's target: the logical size the driver moves {@link #actual} towards. */
    long target;
    /** Logical size, below the configured memory by what the balloon holds. */
    long actual;
    /** Guest pages the host backs. */
    long resident;
    /** Guest pages in host swap. */
    long swapped;
    /** Pages the guest itself uses; the rest of {@link #resident} is free in the guest. */
    long guestUsed;
    /** Of its resident memory, what page sharing saves (its pages merged with identical ones). */
    long shared;
    /** Pages read back from swap, in swap-in clusters (QEMU's balloon statistic major-faults). */
    long majorFaults;
    boolean balloonLoaded;
    /** Memory over time: {time, actual, resident, swapped, shared}, one row per change. */
    private final SampleRows samples = new SampleRows();

    /** Memory over time: {time, actual, resident, swapped, shared}, one row per change (copies, oldest first). */
    public List<long[]> samples() {
        return samples.list();
    }

    /** Pages read back from swap so far, in swap-in clusters. */
    public long majorFaults() {
        return majorFaults;
    }

    /** Pages the guest has that the host keeps somewhere (in memory or in swap). */
    public long backed() {
        return resident + swapped;
    }

    /** Records the account now, unless nothing changed since the last sample. */
    void sample(long now) {
        // compared before a row is made: every memory change on a host samples each of its VMs, most unchanged
        if (!samples.lastIs(actual, resident, swapped, shared)) {
            samples.add(now, actual, resident, swapped, shared);
        }
    }

    /** A reverted VM's account goes on with the samples of the one it replaces (history, not part of a snapshot). */
    void continueSamples(MemoryAccount old) {
        samples.addAll(old.samples);
    }

    // ---- saved with the lab, in its VM's object (LabCodec) ----

    void save(JsonGenerator g) throws IOException {
        g.writeNumberField("target", target);
        g.writeNumberField("actual", actual);
        g.writeNumberField("resident", resident);
        g.writeNumberField("swapped", swapped);
        g.writeNumberField("guestUsed", guestUsed);
        g.writeNumberField("shared", shared);
        g.writeNumberField("majorFaults", majorFaults);
        g.writeBooleanField("balloonLoaded", balloonLoaded);
        samples.save(g, "memorySamples");
    }

    /** Reads back what {@link #save} wrote. */
    void restore(Map<String, Object> v) throws IOException {
        target = SavedDoc.num(v, "target");
        actual = SavedDoc.num(v, "actual");
        resident = SavedDoc.num(v, "resident");
        swapped = SavedDoc.num(v, "swapped");
        guestUsed = SavedDoc.num(v, "guestUsed");
        shared = SavedDoc.num(v, "shared");
        majorFaults = SavedDoc.num(v, "majorFaults");
        balloonLoaded = (Boolean) v.get("balloonLoaded");
        samples.restore(v, "memorySamples");
    }
}
