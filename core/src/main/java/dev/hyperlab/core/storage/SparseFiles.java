package dev.hyperlab.core.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a sparse host file holds data, found with {@code lseek(SEEK_DATA / SEEK_HOLE)} as qemu-img does, so that
 * conversion and {@code map} skip holes without reading them. Java's file API has no such call, so this goes through
 * {@link Libc}; where that is unavailable (another OS, native access denied) the whole file counts as data, which is
 * slower but still correct.
 */
public final class SparseFiles {
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;

    private SparseFiles() {}

    /**
     * Links system calls now. Linking a native call spins method handles and a stub class per call, which no AOT cache
     * holds, and the first link sets up the linker: tens of milliseconds at start-up. Each call links when first made;
     * a front end calls this on a spare thread as it starts, so the linking overlaps opening the lab instead of
     * following it. Every command that opens a lab directory measures its files ({@code statx}); with {@code images}
     * (a command that may open, lock or convert images) the calls for that are linked too. Whether the calls are
     * available (false on another OS, or when native access is denied: callers then fall back).
     */
    public static boolean linkNativeCalls(boolean images) {
        Libc.link(images);
        return Libc.AVAILABLE;
    }

    /** A run of the host file that holds data: {@code [start, end)}. */
    public record DataRun(long start, long end) {}

    /**
     * The space {@code file} takes on disk: its allocated blocks, as {@code du} counts them (holes left out, the file
     * system's own blocks for the file included), where its apparent size may be far larger. Where the kernel cannot be
     * asked (another OS, native access denied) its data runs are added up instead, and failing that its size.
     */
    public static long allocatedBytes(Path file) throws IOException {
        if (Libc.AVAILABLE && Libc.hasStatx()) {
            long taken = Libc.spaceTaken(file.toAbsolutePath().toString());
            if (taken < 0) throw new IOException("cannot stat " + file);
            return taken;
        }
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
        if (!Libc.AVAILABLE) {
            runs.add(new DataRun(from, to));
            return runs;
        }
        Libc.Result open = Libc.open(file.toAbsolutePath().toString(), Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (open.failed()) throw new IOException("cannot open " + file + " to probe holes (errno " + open.errno() + ")");
        int fd = (int) open.value();
        try {
            long pos = from;
            while (pos < to) {
                long data = Libc.lseek(fd, pos, SEEK_DATA);
                if (data < 0 || data >= to) break; // ENXIO: no data after pos
                long hole = Libc.lseek(fd, data, SEEK_HOLE);
                if (hole < 0) hole = to;
                runs.add(new DataRun(data, Math.min(hole, to)));
                pos = hole;
            }
        } finally {
            Libc.close(fd);
        }
        return runs;
    }
}
