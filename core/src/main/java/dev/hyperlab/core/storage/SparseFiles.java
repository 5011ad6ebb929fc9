package dev.hyperlab.core.storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a sparse host file holds data, found with {@code lseek(SEEK_DATA / SEEK_HOLE)} as qemu-img does, so that
 * conversion and {@code map} skip holes without reading them. Java's file API has no such call, so this goes through
 * java.lang.foreign to libc; where that is unavailable (another OS, native access denied) the whole file counts as
 * data, which is slower but still correct.
 */
public final class SparseFiles {
    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final MethodHandle OPEN;
    private static final MethodHandle LSEEK;
    private static final MethodHandle CLOSE;

    static {
        MethodHandle open = null, lseek = null, close = null;
        try {
            if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                open = linker.downcallHandle(libc.find("open").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
                lseek = linker.downcallHandle(libc.find("lseek").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT));
                close = linker.downcallHandle(libc.find("close").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            }
        } catch (RuntimeException | Error e) {
            open = null;
        }
        OPEN = open;
        LSEEK = lseek;
        CLOSE = close;
    }

    private SparseFiles() {}

    /** A run of the host file that holds data: {@code [start, end)}. */
    public record DataRun(long start, long end) {}

    /**
     * The bytes of {@code file} that hold data on disk, holes left out: about the space it takes (what {@code du}
     * counts, but for the file system's own metadata), where its apparent size may be far larger.
     */
    public static long allocatedBytes(Path file) throws IOException {
        long n = 0;
        for (DataRun r : dataRuns(file, 0, java.nio.file.Files.size(file))) {
            n += r.end() - r.start();
        }
        return n;
    }

    /**
     * The data runs of {@code file} within {@code [from, to)}, in order. Runs are as fine as the file system reports
     * (usually its block size); everything outside them reads as zeros.
     */
    public static List<DataRun> dataRuns(Path file, long from, long to) throws IOException {
        List<DataRun> runs = new ArrayList<>();
        if (from >= to) return runs;
        if (OPEN == null) {
            runs.add(new DataRun(from, to));
            return runs;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(file.toAbsolutePath().toString());
            int fd = (int) OPEN.invokeExact(name, O_RDONLY);
            if (fd < 0) throw new IOException("cannot open " + file + " to probe holes");
            try {
                long pos = from;
                while (pos < to) {
                    long data = (long) LSEEK.invokeExact(fd, pos, SEEK_DATA);
                    if (data < 0 || data >= to) break; // ENXIO: no data after pos
                    long hole = (long) LSEEK.invokeExact(fd, data, SEEK_HOLE);
                    if (hole < 0) hole = to;
                    runs.add(new DataRun(data, Math.min(hole, to)));
                    pos = hole;
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            runs.clear();
            runs.add(new DataRun(from, to));
        }
        return runs;
    }
}
