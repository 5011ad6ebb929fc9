package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.FileEntry;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.backup.ByteNames;
import dev.hyperlab.core.storage.fs.FileSystem;
import dev.hyperlab.core.storage.fs.FsException;
import dev.hyperlab.core.storage.fs.FsNode;
import dev.hyperlab.core.storage.fs.FsPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** What {@code disk ls} and {@code disk cat} read of a file system inside an image, as the facade gives it. */
final class ImageFiles {
    /** Largest file {@link dev.hyperlab.api.lab.Disk#readFile(int, String)} returns as an array. */
    static final long MAX_ARRAY = 64L << 20;
    private static final Comparator<FsNode> BY_NAME = (a, b) -> Arrays.compareUnsigned(a.name(), b.name());

    private ImageFiles() {}

    /** The names of a path as typed ({@code /etc/hosts}; {@code \xNN} a byte), split at {@code /}. */
    static List<byte[]> names(String path) {
        return FsPaths.split(ByteNames.parse(path == null ? "" : path));
    }

    static List<FileEntry> list(FileSystem fs, String path, boolean recursive) throws IOException {
        FsPaths.Found at = FsPaths.resolve(fs, names(path), false, shown(path));
        List<FileEntry> out = new ArrayList<>();
        if (!at.node().isDirectory()) {
            out.add(entry(at.path(), at.node()));
        } else if (recursive) {
            FsPaths.walk(fs, at.node(), BY_NAME, (p, node) -> {
                List<byte[]> full = new ArrayList<>(at.path());
                full.addAll(p);
                out.add(entry(full, node));
            });
        } else {
            List<FsNode> entries = new ArrayList<>(fs.list(at.node()));
            entries.sort(BY_NAME);
            for (FsNode n : entries) {
                List<byte[]> full = new ArrayList<>(at.path());
                full.add(n.name());
                out.add(entry(full, n));
            }
        }
        return out;
    }

    private static FileEntry entry(List<byte[]> path, FsNode n) {
        return new FileEntry(ByteNames.displayPath(path), type(n.kind()), String.format(Locale.ROOT, "%04o", n.mode()), "", "",
                (int) n.uid(), (int) n.gid(), n.size(), n.dataBytes(),
                Instant.ofEpochSecond(n.mtimeSeconds(), n.mtimeNanos()).toString(),
                n.kind() == FsNode.Kind.SYMLINK ? ByteNames.display(n.target()) : "", n.links(), List.of());
    }

    /** {@code file}, {@code directory}, {@code char-device}: the types {@link FileEntry} names. */
    static String type(FsNode.Kind k) {
        return k.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Writes the bytes of file {@code path} (a final link followed) to {@code out}, holes as zeros. */
    static void cat(FileSystem fs, String path, OutputStream out) throws IOException {
        FsNode file = regularFile(fs, path);
        long[] at = {0};
        byte[] zeros = new byte[64 << 10];
        try {
            fs.read(file, (offset, bytes) -> {
                zeros(out, zeros, offset - at[0]);
                byte[] b = new byte[bytes.remaining()];
                bytes.get(b);
                out.write(b);
                at[0] = offset + b.length;
            });
            zeros(out, zeros, file.size() - at[0]);
            out.flush();
        } catch (FsException e) {
            throw e;
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot write " + shown(path) + ": " + e.getMessage(),
                    "check where the output goes");
        }
    }

    /** The file at {@code path}, a final symbolic link followed; a directory or a device is refused. */
    static FsNode regularFile(FileSystem fs, String path) throws IOException {
        FsNode file = FsPaths.resolve(fs, names(path), true, shown(path)).node();
        if (file.isDirectory()) {
            throw new FsException(FsException.Reason.NOT_A_FILE, shown(path) + ": is a directory");
        }
        if (file.kind() != FsNode.Kind.FILE) {
            throw new FsException(FsException.Reason.NOT_A_FILE, shown(path) + ": is a " + type(file.kind())
                    + ", not a regular file");
        }
        return file;
    }

    private static void zeros(OutputStream out, byte[] zeros, long n) throws IOException {
        for (long left = n; left > 0; left -= zeros.length) {
            out.write(zeros, 0, (int) Math.min(zeros.length, left));
        }
    }

    static String shown(String path) {
        return path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
    }
}
