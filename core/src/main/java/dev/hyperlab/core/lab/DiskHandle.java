package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.Disk;
import dev.hyperlab.api.lab.DiskCheck;
import dev.hyperlab.api.lab.DiskCopy;
import dev.hyperlab.api.lab.DiskInfo;
import dev.hyperlab.api.lab.FileEntry;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.List;

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
    public List<FileEntry> listFiles(int partition, String path, boolean recursive) {
        return lab.read(m -> m.disks().readFiles(this.path, partition, fs -> ImageFiles.list(fs, path, recursive)));
    }

    @Override
    public void readFile(int partition, String path, OutputStream out) {
        lab.read(m -> m.disks().readFiles(this.path, partition, fs -> {
            ImageFiles.cat(fs, path, out);
            return null;
        }));
    }

    @Override
    public byte[] readFile(int partition, String path) {
        return lab.read(m -> m.disks().readFiles(this.path, partition, fs -> {
            long size = ImageFiles.regularFile(fs, path).size();
            if (size > ImageFiles.MAX_ARRAY) {
                throw LabException.invalid(ImageFiles.shown(path) + " holds " + Sizes.format(size) + ", more than "
                        + Sizes.format(ImageFiles.MAX_ARRAY) + " at once", "readFile(partition, path, out) streams it");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
            ImageFiles.cat(fs, path, out);
            return out.toByteArray();
        }));
    }

    @Override
    public DiskCopy copyFiles(int partition, String path, String directory) {
        if (lab.isDryRun()) {
            throw LabException.notAllowed("a dry run writes no files", "run disk get without {dryRun}");
        }
        if (directory == null || directory.isBlank()) {
            throw LabException.invalid("no target directory given", "name the directory to copy into");
        }
        java.nio.file.Path target;
        try {
            target = java.nio.file.Path.of(directory).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw LabException.invalid("'" + directory + "' is not a valid path", e.getReason());
        }
        return lab.read(m -> m.disks().readFiles(this.path, partition,
                fs -> ImageFileCopier.copy(fs, this.path, path, target)));
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
