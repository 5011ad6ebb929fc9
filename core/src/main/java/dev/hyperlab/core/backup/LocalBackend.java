package dev.hyperlab.core.backup;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A repository in a local directory. Every save follows the sequence that survives a kill at any instant: write a
 * temporary file under {@code tmp/}, check its length, fsync it, close it, rename it atomically to its final name,
 * fsync the directory, and delete the temporary file if any step fails. A killed process therefore leaves only
 * whole files under their final names, plus perhaps a temporary file that {@code prune} removes.
 */
public final class LocalBackend implements Backend {

    /** Called at each step of a write or remove, in order; tests use it to stop a process at a chosen step. */
    @FunctionalInterface
    interface Hook {
        Hook NONE = step -> {};

        void at(String step) throws IOException;
    }

    private static final AtomicLong TEMP_SEQ = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();

    private final Path root;
    private final Hook hook;

    /** A backend over the repository directory {@code root}, which must exist with its layout. */
    public LocalBackend(Path root) {
        this(root, Hook.NONE);
    }

    LocalBackend(Path root, Hook hook) {
        this.root = root;
        this.hook = hook;
    }

    /** Creates the directory layout of a new repository under {@code root} (which must be absent or empty). */
    static void createLayout(Path root) throws IOException {
        Files.createDirectories(root);
        for (FileKind kind : FileKind.values()) {
            if (kind != FileKind.CONFIG) {
                Files.createDirectories(root.resolve(kind.dir()));
            }
        }
        Path data = root.resolve(FileKind.PACK.dir());
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < 256; i++) {
            Files.createDirectories(data.resolve(hex.toHexDigits((byte) i)));
        }
        fsyncDir(data);
        fsyncDir(root);
        Path parent = root.toAbsolutePath().getParent();
        if (parent != null) {
            fsyncDir(parent);
        }
    }

    /** The repository directory. */
    public Path root() {
        return root;
    }

    Path path(FileKind kind, String name) {
        checkName(name);
        return switch (kind) {
            case CONFIG -> root.resolve(FileKind.CONFIG.dir());
            case PACK -> root.resolve(kind.dir()).resolve(name.substring(0, 2)).resolve(name);
            default -> root.resolve(kind.dir()).resolve(name);
        };
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.length() < 2 || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("bad repository file name: " + name);
        }
    }

    @Override
    public void save(FileKind kind, String name, byte[] data, int offset, int length) throws IOException {
        if (kind == FileKind.TEMP) {
            throw new IllegalArgumentException("temporary files are the backend's own");
        }
        Path target = path(kind, name);
        String step = "save " + kind.dir() + "/" + name;
        Path tmp = root.resolve(FileKind.TEMP.dir())
                .resolve(kind.dir() + "-" + name + "-" + PID + "-" + TEMP_SEQ.incrementAndGet());
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                // written in two halves so a kill can land in the middle of a file, as it can in a real crash
                DirectWrites.Channel direct = length >= DIRECT_MIN && !noDirect ? DirectWrites.open(tmp) : null;
                noDirect |= length >= DIRECT_MIN && direct == null;
                try {
                    int half = direct == null ? length / 2 : (length / 2) & -DirectWrites.PAGE;
                    write(ch, direct, data, offset, 0, half);
                    hook.at(step + ": half written");
                    write(ch, direct, data, offset, half, length);
                } finally {
                    if (direct != null) {
                        direct.close();
                    }
                }
                if (ch.size() != length) {
                    throw new IOException("short write of " + tmp + ": " + ch.size() + " of " + length + " bytes");
                }
                hook.at(step + ": written");
                ch.force(true);
            }
            hook.at(step + ": synced");
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + root + " cannot rename atomically", e);
            }
            hook.at(step + ": renamed");
            fsyncDir(target.getParent());
            hook.at(step + ": directory synced");
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Files at least this large (packs) are written past the page cache ({@code O_DIRECT}) where the file system allows
     * it. A pack is written once, synced at once and read back only by a restore or check (which the page cache holding
     * it would serve, but at the cost of copying every byte into it): the copy into the page cache was the saver
     * thread's whole cost, 10% of a full backup's CPU samples on the reference VM, on the same two cores as zstd
     * (docs/performance.md, issue 15). Smaller files (index, snapshots, maps' packs) keep the page cache.
     */
    static final int DIRECT_MIN = 1 << 20;
    /** Set once the repository's file system refused {@code O_DIRECT} (tmpfs): not tried again. */
    private volatile boolean noDirect;

    /**
     * Writes {@code data[offset + from, offset + to)} at file position {@code from}: its block-aligned part through
     * {@code direct} when there is one, the rest through {@code ch}.
     */
    private static void write(FileChannel ch, DirectWrites.Channel direct, byte[] data, int offset, int from, int to)
            throws IOException {
        int at = from;
        if (direct != null) {
            at += direct.write(from, data, offset + from, to - from);
        }
        ByteBuffer rest = ByteBuffer.wrap(data, offset + at, to - at);
        while (rest.hasRemaining()) {
            at += ch.write(rest, at);
        }
    }

    @Override
    public void load(FileKind kind, String name, long offset, ByteBuffer dst) throws IOException {
        try (FileChannel ch = FileChannel.open(path(kind, name), StandardOpenOption.READ)) {
            readFully(ch, offset, dst, kind.dir() + "/" + name);
        }
    }

    static void readFully(FileChannel ch, long offset, ByteBuffer dst, String what) throws IOException {
        long at = offset;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, at);
            if (n < 0) {
                throw new EOFException(what + " ends at " + at + ", before the " + dst.remaining() + " bytes wanted");
            }
            at += n;
        }
    }

    @Override
    public long stat(FileKind kind, String name) throws IOException {
        Path p = path(kind, name);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(p.toString());
        }
        return Files.size(p);
    }

    @Override
    public List<String> list(FileKind kind) throws IOException {
        List<String> names = new ArrayList<>();
        if (kind == FileKind.CONFIG) {
            if (Files.isRegularFile(path(kind, "config"))) {
                names.add("config");
            }
            return names;
        }
        Path dir = root.resolve(kind.dir());
        if (kind == FileKind.PACK) {
            try (DirectoryStream<Path> subs = Files.newDirectoryStream(dir)) {
                for (Path sub : subs) {
                    if (Files.isDirectory(sub)) {
                        addFiles(sub, names);
                    }
                }
            }
        } else {
            addFiles(dir, names);
        }
        names.sort(null);
        return names;
    }

    private static void addFiles(Path dir, List<String> names) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (!n.startsWith(".") && Files.isRegularFile(f)) {
                    names.add(n);
                }
            }
        }
    }

    @Override
    public void remove(FileKind kind, String name) throws IOException {
        Path p = path(kind, name);
        String step = "remove " + kind.dir() + "/" + name;
        hook.at(step);
        if (Files.deleteIfExists(p)) {
            fsyncDir(p.getParent());
        }
        hook.at(step + ": done");
    }

    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
