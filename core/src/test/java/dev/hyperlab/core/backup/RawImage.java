package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageFormat;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal raw {@link DiskImage} for tests and the benchmark, until the storage layer's implementation merges. Reads
 * and writes go through a {@link FileChannel}; {@link #map} asks the file system where the holes are with
 * {@code lseek(SEEK_DATA / SEEK_HOLE)} (called through the FFM API, since Java has no binding), exactly what
 * {@code qemu-img map} does for a raw file.
 */
public final class RawImage implements DiskImage {
    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final MethodHandle OPEN;
    private static final MethodHandle LSEEK;
    private static final MethodHandle CLOSE;

    static {
        MethodHandle open = null;
        MethodHandle lseek = null;
        MethodHandle close = null;
        try {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(2));
            lseek = linker.downcallHandle(libc.find("lseek").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT));
            close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        } catch (RuntimeException | Error e) {
            // no native access: map() then reports the whole file as data, which is correct, only slower
        }
        OPEN = open;
        LSEEK = lseek;
        CLOSE = close;
    }

    private final Path path;
    private final FileChannel ch;
    private final boolean readOnly;
    private final long size;

    private RawImage(Path path, FileChannel ch, boolean readOnly, long size) {
        this.path = path;
        this.ch = ch;
        this.readOnly = readOnly;
        this.size = size;
    }

    /** Opens an existing raw file; its length is the disk's size. */
    public static RawImage open(Path path, boolean readOnly) throws IOException {
        FileChannel ch = readOnly
                ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new RawImage(path, ch, readOnly, ch.size());
    }

    /** Creates a sparse raw file of {@code size} bytes (all hole). */
    public static RawImage create(Path path, long size) throws IOException {
        if (Files.exists(path)) {
            throw new IOException(path + " exists");
        }
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(size);
        }
        return open(path, false);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public ImageFormat format() {
        return ImageFormat.RAW;
    }

    @Override
    public long virtualSize() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        long at = offset;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, at);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                return;
            }
            at += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        if (readOnly) {
            throw new IOException(path + " is open read-only");
        }
        if (offset + src.remaining() > size) {
            throw new IOException("write past the end of " + path);
        }
        long at = offset;
        while (src.hasRemaining()) {
            at += ch.write(src, at);
        }
    }

    @Override
    public List<Extent> map(long offset, long length) throws IOException {
        List<Extent> out = new ArrayList<>();
        long end = Math.min(size, offset + length);
        if (OPEN == null) {
            out.add(new Extent(offset, end - offset, true, 0));
            return out;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path.toString());
            int fd = (int) OPEN.invokeExact(cpath, O_RDONLY, 0);
            if (fd < 0) {
                throw new IOException("cannot open " + path + " to map it");
            }
            try {
                long at = offset;
                while (at < end) {
                    long data = (long) LSEEK.invokeExact(fd, at, SEEK_DATA);
                    if (data < 0 || data >= end) {
                        out.add(new Extent(at, end - at, false, 0));
                        break;
                    }
                    if (data > at) {
                        out.add(new Extent(at, data - at, false, 0));
                    }
                    long hole = (long) LSEEK.invokeExact(fd, data, SEEK_HOLE);
                    if (hole < 0 || hole > end) {
                        hole = end;
                    }
                    out.add(new Extent(data, hole - data, true, 0));
                    at = hole;
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("mapping " + path + " failed: " + t, t);
        }
        return out;
    }

    @Override
    public void flush() throws IOException {
        ch.force(true);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
