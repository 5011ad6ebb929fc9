package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.DiskCopy;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.backup.ByteNames;
import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.HostFs;
import dev.hyperlab.core.hostfs.PosixException;
import dev.hyperlab.core.storage.fs.FileSystem;
import dev.hyperlab.core.storage.fs.FsNode;
import dev.hyperlab.core.storage.fs.FsPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code disk get}: copies a file or tree out of a file system inside an image into a directory of this machine, as
 * {@code virt-copy-out} does. Every name is created relative to an open descriptor of its parent with the *at calls,
 * never following a link, and names that could leave the target ({@code ..}, a {@code /}) are refused: a hostile image
 * writes nothing outside the directory the user named.
 */
final class ImageFileCopier {
    /** Deeper trees are left out: each level holds a descriptor open, and PATH_MAX allows no more names anyway. */
    private static final int MAX_DEPTH = 256;

    private final FileSystem fs;
    private final HostFs host;
    private final List<String> warnings = new ArrayList<>();
    private final Set<Long> entered = new HashSet<>();
    private long files;
    private long directories;
    private long links;
    private long bytes;

    private ImageFileCopier(FileSystem fs, HostFs host) {
        this.fs = fs;
        this.host = host;
    }

    /** Copies {@code path} of {@code fs} (a final link copied as a link) into {@code directory}, made when missing. */
    static DiskCopy copy(FileSystem fs, String image, String path, Path directory) throws IOException {
        FsPaths.Found from = FsPaths.resolve(fs, ImageFiles.names(path), false, ImageFiles.shown(path));
        try (HostFs host = HostFs.open()) {
            int top = openTarget(host, directory);
            ImageFileCopier c = new ImageFileCopier(fs, host);
            try {
                if (from.path().isEmpty()) {
                    c.entered.add(from.node().ref());
                    c.children(top, from.node(), "/", 1);
                } else {
                    c.entry(top, from.node(), ByteNames.displayPath(from.path()), 1);
                }
            } catch (PosixException e) {
                throw new LabException(LabException.Kind.IO, "cannot write into " + directory + ": " + e.getMessage(),
                        "check its permissions and free space");
            } finally {
                host.close(top);
            }
            return new DiskCopy(image, fs.type(), ImageFiles.shown(path), directory.toString(), c.files, c.directories,
                    c.links, c.bytes, c.warnings);
        }
    }

    /** The target directory, created when missing (its parent must exist); an existing one must be a directory. */
    private static int openTarget(HostFs host, Path directory) throws IOException {
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw LabException.invalid(directory + " exists and is not a directory", "copy into a new or existing directory");
        }
        byte[] name = directory.toString().getBytes(StandardCharsets.UTF_8);
        try {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                host.mkdir(HostFs.CWD, name, 0777, "mkdir");
            }
            return host.openDirectory(HostFs.CWD, name, "open");
        } catch (PosixException e) {
            throw LabException.invalid("cannot create " + directory + ": " + e.reason(),
                    e.notFound() ? "its parent directory does not exist: create it first" : "check its permissions");
        }
    }

    private void children(int fd, FsNode dir, String where, int depth) throws IOException {
        for (FsNode e : fs.list(dir)) {
            entry(fd, e, (where.equals("/") ? "" : where) + "/" + ByteNames.display(e.name()), depth);
        }
    }

    private void entry(int dir, FsNode e, String where, int depth) throws IOException {
        byte[] name = e.name();
        if (!safe(name)) {
            warnings.add("left out " + where + ": its name could leave the target directory");
            return;
        }
        try {
            switch (e.kind()) {
                case DIRECTORY -> directory(dir, e, where, depth);
                case FILE -> file(dir, e);
                case SYMLINK -> {
                    host.symlink(e.target(), dir, name, "symlink");
                    links++;
                }
                case FIFO -> {
                    host.mknod(dir, name, FileType.FIFO, e.mode(), 0, "mkfifo");
                    files++;
                }
                default -> warnings.add("left out " + where + ": a " + ImageFiles.type(e.kind()) + " (devices and "
                        + "sockets are not copied)");
            }
        } catch (PosixException x) {
            if (x.exists()) {
                throw LabException.conflict("cannot copy " + where + ": it exists in the target already",
                        "copy into a new or empty directory");
            }
            throw x;
        }
    }

    private void directory(int parent, FsNode d, String where, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            warnings.add("left out " + where + ": deeper than " + MAX_DEPTH + " directories");
            return;
        }
        host.mkdir(parent, d.name(), 0700, "mkdir");
        directories++;
        int fd = host.openDirectory(parent, d.name(), "open");
        try {
            if (entered.add(d.ref())) {
                children(fd, d, where, depth + 1);
            } else {
                warnings.add("left empty " + where + ": a directory met before (a loop in the image)");
            }
            host.chmod(fd, d.mode(), "chmod");
            host.setTimes(fd, d.mtimeSeconds(), d.mtimeNanos(), d.mtimeSeconds(), d.mtimeNanos(), "utimens");
        } finally {
            host.close(fd);
        }
    }

    private void file(int dir, FsNode f) throws IOException {
        int fd = host.createFile(dir, f.name(), 0600, "create");
        try {
            fs.read(f, (offset, data) -> {
                int n = data.remaining();
                if (data.hasArray()) {
                    host.write(fd, offset, data.array(), data.arrayOffset() + data.position(), n, "write");
                } else {
                    byte[] b = new byte[n];
                    data.get(b);
                    host.write(fd, offset, b, 0, n, "write");
                }
                bytes += n;
            });
            host.truncate(fd, f.size(), "truncate"); // the holes at the end stay holes
            host.chmod(fd, f.mode(), "chmod");
            host.setTimes(fd, f.mtimeSeconds(), f.mtimeNanos(), f.mtimeSeconds(), f.mtimeNanos(), "utimens");
            files++;
        } finally {
            host.close(fd);
        }
    }

    /** A name that stays in its directory: not empty, not {@code .} or {@code ..}, without {@code /} or NUL. */
    private static boolean safe(byte[] name) {
        if (name.length == 0 || (name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.')) {
            return false;
        }
        for (byte b : name) {
            if (b == '/' || b == 0) return false;
        }
        return true;
    }
}
