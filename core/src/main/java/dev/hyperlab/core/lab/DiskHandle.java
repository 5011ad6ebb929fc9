package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.Disk;
import dev.hyperlab.api.lab.DiskCheck;
import dev.hyperlab.api.lab.DiskInfo;

/** A {@link Disk} handle: the absolute path and the lab; every call reads the image now. */
final class DiskHandle implements Disk {
    private final LocalLab lab;
    private final String path;

    DiskHandle(LocalLab lab, String path) {
        this.lab = lab;
        this.path = path;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public DiskInfo info() {
        return lab.read(m -> m.disks().info(path));
    }

    @Override
    public DiskCheck check() {
        return lab.read(m -> m.disks().check(path));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiskHandle h && h.lab == lab && h.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return "disk " + path;
    }
}
