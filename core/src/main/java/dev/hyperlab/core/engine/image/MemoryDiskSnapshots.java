package dev.hyperlab.core.engine.image;

import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.MemoryImage;
import dev.hyperlab.core.storage.qcow2.Qcow2Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Snapshots of an in-memory image (in-memory labs, dry runs): each keeps a copy of the image's own chunks (the base
 * below is read-only and shared) and its VM state bytes. A dry run's images also see the snapshots of the lab they
 * were forked from ({@code inherited}): read through to the original, and reverting to one makes the image read as
 * that snapshot of the original, with the original untouched.
 */
final class MemoryDiskSnapshots implements DiskSnapshots {
    private record Snap(Entry entry, byte[] vmState, MemoryImage copy) {}

    private final String path;
    private final Supplier<MemoryImage> current;
    private final Consumer<MemoryImage> replace;
    private final DiskSnapshots inherited;
    private final List<Snap> snaps = new ArrayList<>();

    /**
     * @param path the image's name
     * @param current the image as it is now
     * @param replace puts another image in its place (a revert)
     * @param inherited the original's snapshots for a dry run's image, else null
     */
    MemoryDiskSnapshots(String path, Supplier<MemoryImage> current, Consumer<MemoryImage> replace,
            DiskSnapshots inherited) {
        this.path = path;
        this.current = current;
        this.replace = replace;
        this.inherited = inherited;
        if (inherited != null) {
            for (Entry e : inherited.list()) {
                snaps.add(new Snap(e, null, null));
            }
        }
    }

    @Override
    public List<Entry> list() {
        return snaps.stream().map(Snap::entry).toList();
    }

    private Snap require(String name) throws IOException {
        for (Snap s : snaps) {
            if (s.entry().name().equals(name)) {
                return s;
            }
        }
        throw new IOException(path + ": no snapshot named '" + name + "'");
    }

    @Override
    public Cost create(String name, Qcow2Snapshot.Times times, ByteBuffer vmState) throws IOException {
        if (find(name).isPresent()) {
            throw new IOException(path + ": a snapshot named '" + name + "' already exists");
        }
        long id = 0;
        for (Snap s : snaps) {
            try {
                id = Math.max(id, Long.parseLong(s.entry().id()));
            } catch (NumberFormatException ignored) {
                // ids need not be numeric, as in qcow2
            }
        }
        byte[] state = new byte[vmState.remaining()];
        vmState.get(state);
        MemoryImage img = current.get();
        snaps.add(new Snap(new Entry(Long.toString(id + 1), name, state.length, times.dateSec(), times.dateNsec(),
                times.vmClockNsec(), img.virtualSize()), state, img.copy()));
        return Cost.NONE;
    }

    @Override
    public void apply(String name) throws IOException {
        Snap s = require(name);
        if (s.copy() != null) {
            replace.accept(s.copy().copy());
        } else {
            replace.accept(MemoryImage.overlay(path, new SnapshotView(inherited, name, s.entry().diskSize(),
                    current.get())));
        }
    }

    @Override
    public Cost delete(String name) throws IOException {
        snaps.remove(require(name));
        return Cost.NONE; // an image in memory does no file I/O
    }

    @Override
    public byte[] readVmState(String name) throws IOException {
        Snap s = require(name);
        return s.copy() != null ? s.vmState().clone() : inherited.readVmState(name);
    }

    @Override
    public void read(String name, long offset, ByteBuffer dst) throws IOException {
        Snap s = require(name);
        if (s.copy() != null) {
            s.copy().read(offset, dst);
        } else {
            inherited.read(name, offset, dst);
        }
    }

    @Override
    public List<Extent> map(String name, long offset, long length) throws IOException {
        Snap s = require(name);
        return s.copy() != null ? s.copy().map(offset, length) : inherited.map(name, offset, length);
    }
}
