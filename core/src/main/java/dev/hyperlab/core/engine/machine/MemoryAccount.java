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
    /**
     * Memory over time: rows of {time, actual, resident, swapped, shared}, one row per change, laid end to end in one
     * array (a storm's 100,000 VMs keep about four rows each: one array per VM, not an array per row and a list).
     */
    private long[] rows;
    /** Rows in {@link #rows}. */
    private int rowCount;
    private static final int ROW = 5;

    /** Memory over time: {time, actual, resident, swapped, shared}, one row per change (copies, oldest first). */
    public List<long[]> samples() {
        List<long[]> out = new ArrayList<>(rowCount);
        for (int i = 0; i < rowCount; i++) {
            out.add(java.util.Arrays.copyOfRange(rows, i * ROW, i * ROW + ROW));
        }
        return out;
    }

    private void addRow(long[] row) {
        addRow(row[0], row[1], row[2], row[3], row[4]);
    }

    private void addRow(long time, long actual, long resident, long swapped, long shared) {
        if (rows == null) {
            rows = new long[4 * ROW];
        } else if ((rowCount + 1) * ROW > rows.length) {
            rows = java.util.Arrays.copyOf(rows, rows.length * 2);
        }
        int at = rowCount++ * ROW;
        rows[at] = time;
        rows[at + 1] = actual;
        rows[at + 2] = resident;
        rows[at + 3] = swapped;
        rows[at + 4] = shared;
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
        if (rowCount == 0 || !sameAsLast()) {
            addRow(now, actual, resident, swapped, shared);
        }
    }

    /** Whether the last row holds the account's present values (its time aside). */
    private boolean sameAsLast() {
        int at = (rowCount - 1) * ROW;
        return rows[at + 1] == actual && rows[at + 2] == resident && rows[at + 3] == swapped && rows[at + 4] == shared;
    }

    /** A reverted VM's account goes on with the samples of the one it replaces (history, not part of a snapshot). */
    void continueSamples(MemoryAccount old) {
        for (long[] row : old.samples()) {
            addRow(row);
        }
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
        SavedDoc.writeRows(g, "memorySamples", samples());
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
        for (long[] row : SavedDoc.rows(v, "memorySamples")) {
            if (row.length != ROW) {
                throw new IOException("saved lab: a VM's memory sample has " + row.length + " numbers, not " + ROW);
            }
            addRow(row);
        }
    }
}
