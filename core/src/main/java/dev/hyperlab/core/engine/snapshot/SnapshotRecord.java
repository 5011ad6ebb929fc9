package dev.hyperlab.core.engine.snapshot;

import java.io.IOException;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.api.lab.SnapshotConsistency;
import dev.hyperlab.api.lab.VmState;
import java.util.List;
import java.util.Map;
import dev.hyperlab.core.engine.persist.SavedDoc;

/**
 * What the lab keeps about one snapshot of a VM, beside the images that hold its data under the same name (libvirt
 * keeps the same as snapshot XML next to the qcow2 files): its place in the tree, how it was taken, and the VM's state
 * document (configuration and runtime state, see {@link VmStateDoc}) a revert brings back. For a snapshot with memory
 * state the first disk's VM-state area holds that document too, and a revert reads it from there, as QEMU's loadvm
 * does; the copy here serves disk-only snapshots and lets a revert check what it read.
 *
 * @param name unique among the VM's snapshots
 * @param parent the snapshot current when it was taken, or empty
 * @param description free text
 * @param created lab time in nanoseconds
 * @param state the VM's state then
 * @param diskOnly no memory state
 * @param consistency what the disks hold on their own
 * @param vmStateSize bytes written to the first disk's VM-state area
 * @param memory guest memory in use the pause saved (modelled bytes)
 * @param digest SHA-256 of {@code doc}
 * @param devices the disks that hold it
 * @param doc the VM's state document
 */
public record SnapshotRecord(String name, String parent, String description, long created, VmState state, boolean diskOnly,
        SnapshotConsistency consistency, long vmStateSize, long memory, String digest, List<String> devices,
        Map<String, Object> doc) {

    public SnapshotRecord {
        devices = List.copyOf(devices);
    }

    SnapshotRecord withParent(String p) {
        return new SnapshotRecord(name, p, description, created, state, diskOnly, consistency, vmStateSize, memory,
                digest, devices, doc);
    }

    /** Writes this record as an object of a saved lab. */
    public void save(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("parent", parent);
        g.writeStringField("description", description);
        g.writeNumberField("created", created);
        g.writeStringField("state", state.id());
        g.writeBooleanField("diskOnly", diskOnly);
        g.writeStringField("consistency", consistency.id());
        g.writeNumberField("vmStateSize", vmStateSize);
        g.writeNumberField("memory", memory);
        g.writeStringField("digest", digest);
        SavedDoc.writeStrings(g, "devices", devices);
        g.writeFieldName("doc");
        SavedDoc.writeValue(g, doc);
        g.writeEndObject();
    }

    /** A record as {@link #save} wrote it, of VM {@code vm}. */
    @SuppressWarnings("unchecked")
    public static SnapshotRecord restore(Map<String, Object> r, String vm) throws IOException {
        if (!(r.get("doc") instanceof Map<?, ?> doc)) {
            throw new IOException("saved lab: snapshot " + r.get("name") + " of " + vm + " has no state");
        }
        return new SnapshotRecord(SavedDoc.str(r, "name"), SavedDoc.str(r, "parent"), SavedDoc.str(r, "description"),
                SavedDoc.num(r, "created"), VmState.of(SavedDoc.str(r, "state")), (Boolean) r.get("diskOnly"),
                SnapshotConsistency.of(SavedDoc.str(r, "consistency")), SavedDoc.num(r, "vmStateSize"),
                SavedDoc.num(r, "memory"), SavedDoc.str(r, "digest"), SavedDoc.strings(r, "devices"),
                (Map<String, Object>) doc);
    }
}
