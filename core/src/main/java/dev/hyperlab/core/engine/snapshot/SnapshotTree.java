package dev.hyperlab.core.engine.snapshot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A VM's snapshots as a tree: each has the parent that was current when it was taken; the current one is the last
 * taken or reverted to. Deleting one moves its children up to its parent and, when it was current, makes that parent
 * current (libvirt's rules for internal snapshots: each qcow2 snapshot has its own tables, so none depends on
 * another's data and any of them can go).
 */
public final class SnapshotTree {
    /** In the order they were taken; made with the first snapshot (most VMs of a large lab never take one). */
    private LinkedHashMap<String, SnapshotRecord> records;
    private String current = "";

    /** The records, for reading (empty until the first snapshot). */
    private java.util.Map<String, SnapshotRecord> records() {
        return records == null ? java.util.Collections.emptyMap() : records;
    }

    /** The records, for changing. */
    private LinkedHashMap<String, SnapshotRecord> writable() {
        if (records == null) {
            records = new LinkedHashMap<>();
        }
        return records;
    }

    public List<SnapshotRecord> all() {
        return List.copyOf(records().values());
    }

    public Optional<SnapshotRecord> get(String name) {
        return Optional.ofNullable(records().get(name));
    }

    public boolean has(String name) {
        return records().containsKey(name);
    }

    public boolean isEmpty() {
        return records().isEmpty();
    }

    /** The current snapshot's name, or empty. */
    public String current() {
        return current;
    }

    public void setCurrent(String name) {
        if (!name.isEmpty() && !records().containsKey(name)) {
            throw new IllegalArgumentException("no snapshot " + name);
        }
        current = name;
    }

    /** Adds a snapshot just taken: it becomes current. */
    public void add(SnapshotRecord r) {
        writable().put(r.name(), r);
        current = r.name();
    }

    /** Adds a loaded record without changing the current one. */
    public void load(SnapshotRecord r) {
        writable().put(r.name(), r);
    }

    public List<String> children(String name) {
        List<String> out = new ArrayList<>();
        for (SnapshotRecord r : records().values()) {
            if (r.parent().equals(name)) {
                out.add(r.name());
            }
        }
        return out;
    }

    /** {@code name} and every snapshot below it, parents before children. */
    public List<String> subtree(String name) {
        List<String> out = new ArrayList<>();
        out.add(name);
        for (int i = 0; i < out.size(); i++) {
            out.addAll(children(out.get(i)));
        }
        return out;
    }

    /**
     * Removes {@code names}: a survivor whose parent goes gets the nearest ancestor that stays, and so does the current
     * mark.
     */
    public void remove(Collection<String> names) {
        Set<String> gone = Set.copyOf(names);
        for (SnapshotRecord r : List.copyOf(records().values())) {
            if (!gone.contains(r.name()) && gone.contains(r.parent())) {
                writable().put(r.name(), r.withParent(survivingAncestor(r.parent(), gone)));
            }
        }
        if (gone.contains(current)) {
            current = survivingAncestor(current, gone);
        }
        for (String n : names) {
            writable().remove(n);
        }
    }

    private String survivingAncestor(String name, Set<String> gone) {
        String p = name;
        while (!p.isEmpty() && gone.contains(p)) {
            SnapshotRecord r = records().get(p);
            p = r == null ? "" : r.parent();
        }
        return p;
    }
}
