package dev.hyperlab.core.engine.image;

import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import dev.hyperlab.core.storage.qcow2.Qcow2Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The snapshot table of a qcow2 file: QEMU's internal snapshots, VM state saved past the end of the virtual disk,
 * readable by {@code qemu-img snapshot -l} and made by {@code qemu-img snapshot -c} alike. The image is asked for on
 * every call, since a reload replaces the open image.
 */
final class Qcow2DiskSnapshots implements DiskSnapshots {
    private final Supplier<Qcow2Image> image;
    private final Runnable reload;

    Qcow2DiskSnapshots(Supplier<Qcow2Image> image, Runnable reload) {
        this.image = image;
        this.reload = reload;
    }

    @Override
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (Qcow2Snapshot s : image.get().snapshots()) {
            out.add(new Entry(s.id(), s.name(), s.vmStateSize(), s.dateSec(), s.dateNsec(), s.vmClockNsec(),
                    s.diskSize()));
        }
        return out;
    }

    @Override
    public Cost create(String name, Qcow2Snapshot.Times times, ByteBuffer vmState) throws IOException {
        Qcow2Image img = image.get();
        long bytes = img.bytesWritten();
        long ops = img.writeOps();
        long state = vmState.remaining();
        img.createSnapshot(name, times, vmState);
        return new Cost(Math.max(0, img.bytesWritten() - bytes - state), img.writeOps() - ops);
    }

    @Override
    public void apply(String name) throws IOException {
        image.get().applySnapshot(name);
    }

    @Override
    public Cost delete(String name) throws IOException {
        Qcow2Image img = image.get();
        long bytes = img.bytesWritten();
        long ops = img.writeOps();
        img.deleteSnapshot(name);
        return new Cost(img.bytesWritten() - bytes, img.writeOps() - ops);
    }

    @Override
    public byte[] readVmState(String name) throws IOException {
        return image.get().readVmState(name); // refuses a size the file cannot hold before allocating it
    }

    @Override
    public void read(String name, long offset, ByteBuffer dst) throws IOException {
        image.get().readSnapshot(name, offset, dst);
    }

    @Override
    public List<Extent> map(String name, long offset, long length) throws IOException {
        return image.get().mapSnapshot(name, offset, length);
    }

    @Override
    public void reload() {
        reload.run();
    }
}
