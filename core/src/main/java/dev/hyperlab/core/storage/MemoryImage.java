package dev.hyperlab.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A disk image held in memory, sparse in 4 KiB chunks, optionally over a read-only backing image (copy-on-write).
 * Used where files are not wanted: scale runs of the engine (thousands of VMs reading one shared base layout) and
 * dry runs (writes land here and vanish with the throw-away lab).
 */
public final class MemoryImage implements DiskImage {
    /** Small chunks: what lives here is mostly boot layouts, a few sectors each, on thousands of disks. */
    private static final int CHUNK = 4 << 10;

    private final String name;
    private Path path;
    private final long size;
    private final DiskImage backing;
    private final boolean readOnly;
    /** The chunks written here; an unmodifiable empty map until the first (most overlays of a storm stay unwritten). */
    private NavigableMap<Long, byte[]> chunks = Collections.emptyNavigableMap();

    private MemoryImage(String name, long size, DiskImage backing, boolean readOnly) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0");
        }
        this.name = name;
        this.size = size;
        this.backing = backing;
        this.readOnly = readOnly;
    }

    /** A blank image of {@code size} bytes. */
    public static MemoryImage blank(String name, long size) {
        return new MemoryImage(name, size, null, false);
    }

    /** A writable overlay whose unwritten ranges read from {@code backing} (which it never writes). */
    public static MemoryImage overlay(String name, DiskImage backing) {
        return new MemoryImage(name, backing.virtualSize(), backing, false);
    }

    /** As {@link #overlay(String, DiskImage)}, {@code size} bytes large: past the backing image's end it reads zeros. */
    public static MemoryImage overlay(String name, DiskImage backing, long size) {
        return new MemoryImage(name, size, backing, false);
    }

    /** A read-only view of this image's current contents (shares the chunks; further writes here show through). */
    public MemoryImage readOnlyView() {
        MemoryImage v = new MemoryImage(name, size, backing, true);
        if (!chunks.isEmpty()) {
            v.chunks = new TreeMap<>(chunks);
        }
        return v;
    }

    /**
     * A writable copy of this image as it is now, over the same backing: what an internal snapshot of an in-memory
     * disk keeps. Chunks are copied, since writes change them in place.
     */
    public MemoryImage copy() {
        return copyAs(name);
    }

    @Override
    public java.util.Optional<DiskImage> backing() {
        return java.util.Optional.ofNullable(backing);
    }

    /** {@link #copy()} under another name (a cloned VM's disk). */
    public MemoryImage copyAs(String newName) {
        MemoryImage c = new MemoryImage(newName, size, backing, false);
        for (Map.Entry<Long, byte[]> e : chunks.entrySet()) {
            c.writableChunks().put(e.getKey(), e.getValue().clone());
        }
        return c;
    }

    private NavigableMap<Long, byte[]> writableChunks() {
        if (!(chunks instanceof TreeMap)) {
            chunks = new TreeMap<>();
        }
        return chunks;
    }

    /** The image this overlay reads through, while nothing has been written to the overlay; else null. */
    public DiskImage unwrittenBacking() {
        return chunks.isEmpty() ? backing : null;
    }

    /** A name in the {@code mem:} namespace; made a {@link Path} only when asked (most never are). */
    @Override
    public Path path() {
        if (path == null) {
            path = Path.of(name);
        }
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
        check(offset, dst.remaining());
        while (dst.hasRemaining()) {
            long chunk = offset / CHUNK;
            int within = (int) (offset % CHUNK);
            int n = Math.min(dst.remaining(), CHUNK - within);
            byte[] data = chunks.get(chunk);
            if (data != null) {
                dst.put(data, within, n);
            } else if (backing != null && offset < backing.virtualSize()) {
                int fromBacking = (int) Math.min(n, backing.virtualSize() - offset);
                backing.read(offset, dst.slice(dst.position(), fromBacking));
                dst.position(dst.position() + fromBacking);
                for (int i = fromBacking; i < n; i++) {
                    dst.put((byte) 0);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    dst.put((byte) 0);
                }
            }
            offset += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        if (readOnly) {
            throw new IOException(name + " is read-only");
        }
        check(offset, src.remaining());
        while (src.hasRemaining()) {
            long chunk = offset / CHUNK;
            int within = (int) (offset % CHUNK);
            int n = Math.min(src.remaining(), CHUNK - within);
            byte[] data = chunks.get(chunk);
            if (data == null) {
                data = new byte[CHUNK];
                long start = chunk * CHUNK;
                if (backing != null && start < backing.virtualSize()) {
                    int len = (int) Math.min(Math.min(CHUNK, size - start), backing.virtualSize() - start);
                    backing.read(start, ByteBuffer.wrap(data, 0, len));
                }
                writableChunks().put(chunk, data);
            }
            src.get(data, within, n);
            offset += n;
        }
    }

    @Override
    public List<Extent> map(long offset, long length) throws IOException {
        check(offset, length);
        List<Extent> out = new ArrayList<>();
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            long chunk = pos / CHUNK;
            long chunkEnd = Math.min(end, (chunk + 1) * CHUNK);
            if (chunks.containsKey(chunk)) {
                add(out, pos, chunkEnd - pos, true, 0);
                pos = chunkEnd;
                continue;
            }
            Map.Entry<Long, byte[]> next = chunks.ceilingEntry(chunk + 1);
            long gapEnd = next == null ? end : Math.min(end, next.getKey() * CHUNK);
            long inBacking = backing == null ? pos : Math.min(gapEnd, Math.max(pos, backing.virtualSize()));
            if (inBacking > pos) {
                for (Extent e : backing.map(pos, inBacking - pos)) {
                    add(out, e.offset(), e.length(), e.data(), e.data() ? e.depth() + 1 : 0);
                }
                if (inBacking < gapEnd) {
                    add(out, inBacking, gapEnd - inBacking, false, 0);
                }
            } else {
                add(out, pos, gapEnd - pos, false, 0);
            }
            pos = gapEnd;
        }
        return out;
    }

    private static void add(List<Extent> out, long off, long len, boolean data, int depth) {
        if (!out.isEmpty()) {
            Extent last = out.getLast();
            if (last.data() == data && last.depth() == depth && last.end() == off) {
                out.set(out.size() - 1, new Extent(last.offset(), last.length() + len, data, depth));
                return;
            }
        }
        out.add(new Extent(off, len, data, depth));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    private void check(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IOException("range " + offset + "+" + length + " is outside " + name + " (" + size + " bytes)");
        }
    }
}
