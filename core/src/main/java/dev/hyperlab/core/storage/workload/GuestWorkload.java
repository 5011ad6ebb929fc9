package dev.hyperlab.core.storage.workload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic guest I/O for the engine: from a caller's random stream and a workload kind, the writes a guest would
 * make into a region of its disk, with realistic compressibility and duplication.
 *
 * <p>Two streams feed it: {@code profileSeed} is the same for every VM of one OS profile, so OS files come out byte
 * for byte identical across those VMs (what deduplicating backups find); {@code vmRandom} is the VM's own stream for
 * everything that differs. Nothing reads the clock or iterates a hash: same inputs, same bytes.
 */
public final class GuestWorkload {
    static final int BLOCK = 4096;
    private static final int DB_PAGE = 8192;
    private static final String[] WORDS = {"connection", "accepted", "from", "user", "session", "opened", "closed",
        "request", "GET", "POST", "/api/v1/items", "/health", "status", "200", "404", "took", "ms", "cache", "hit",
        "miss", "worker", "started", "job", "completed", "retry", "timeout", "disk", "sync", "kernel", "eth0", "link", "up"};
    private static final String[] MESSAGES = {
        "connection accepted from 10.0.0.12", "session opened for user app", "session closed for user app",
        "GET /api/v1/items status 200", "POST /api/v1/items status 201", "GET /health status 200",
        "cache miss for key items", "worker started job cleanup", "job cleanup completed", "retry after timeout",
        "disk sync completed", "eth0 link up", "checkpoint starting: time", "checkpoint complete",
        "autovacuum: processing table items", "GET /favicon.ico status 404"};
    private static final String[] LEVELS = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
    private static final String[] UNITS = {"sshd", "nginx", "postgres", "systemd", "cron", "kernel", "app"};

    private GuestWorkload() {}

    /**
     * Writes of about {@code bytes} bytes (rounded up to whole 4 KiB blocks) into {@code [regionStart,
     * regionStart + regionLength)}, in the order the guest makes them.
     */
    public static List<GuestWrite> generate(WorkloadKind kind, long profileSeed, SplittableRandom vmRandom,
            long regionStart, long regionLength, long bytes) {
        if (regionStart % BLOCK != 0 || regionLength < BLOCK || bytes < 0) {
            throw new IllegalArgumentException("region must be 4 KiB aligned and at least one block; bytes >= 0");
        }
        long blocks = Math.min((bytes + BLOCK - 1) / BLOCK, regionLength / BLOCK);
        List<GuestWrite> out = new ArrayList<>();
        switch (kind) {
            case OS_FILES -> osFiles(profileSeed, vmRandom, regionStart, blocks, out);
            case LOGS -> logs(vmRandom, regionStart, blocks, out);
            case DATABASE -> database(vmRandom, regionStart, regionLength, blocks, out);
        }
        return out;
    }

    /** Files laid out sequentially, 16..256 KiB each; 85% of them are the profile's own files, the rest the VM's. */
    private static void osFiles(long profileSeed, SplittableRandom vm, long start, long blocks, List<GuestWrite> out) {
        long at = 0;
        for (int file = 0; at < blocks; file++) {
            boolean shared = vm.nextInt(100) < 85;
            // a shared file's content depends only on the profile and the file number, never on the VM
            SplittableRandom r = shared ? new SplittableRandom(profileSeed * 0x9E3779B97F4A7C15L + file) : vm.split();
            int fileBlocks = (int) Math.min(blocks - at, 4 + r.nextInt(61));
            byte[] data = new byte[fileBlocks * BLOCK];
            if (r.nextInt(5) == 0) {
                fillText(r, data, "config");
            } else {
                fillBinary(r, data);
            }
            out.add(new GuestWrite(start + at * BLOCK, data));
            at += fileBlocks;
        }
    }

    /** Machine code compresses a little: random bytes with runs of common opcodes and zero padding. */
    private static void fillBinary(SplittableRandom r, byte[] data) {
        r.nextBytes(data);
        for (int i = 0; i < data.length; i += 64) {
            int kindOfRun = r.nextInt(8);
            if (kindOfRun == 0) java.util.Arrays.fill(data, i, Math.min(data.length, i + 16), (byte) 0);
            else if (kindOfRun == 1) java.util.Arrays.fill(data, i, Math.min(data.length, i + 8), (byte) 0x90);
        }
    }

    private static void logs(SplittableRandom r, long start, long blocks, List<GuestWrite> out) {
        long millis = (1_700_000_000L + r.nextInt(1_000_000)) * 1000;
        for (long b = 0; b < blocks; ) {
            int n = (int) Math.min(blocks - b, 1 + r.nextInt(16));
            byte[] data = new byte[n * BLOCK];
            StringBuilder s = new StringBuilder();
            while (s.length() < data.length) {
                millis += r.nextInt(40); // busy services log many lines a second
                int unit = r.nextInt(UNITS.length);
                s.append(millis / 1000).append('.').append(String.format(java.util.Locale.ROOT, "%03d", millis % 1000))
                        .append(" host ").append(UNITS[unit]).append('[').append(100 + unit)
                        .append("]: ").append(LEVELS[r.nextInt(LEVELS.length)]);
                // services print a few fixed messages over and over, with a number here and there
                s.append(' ').append(MESSAGES[r.nextInt(MESSAGES.length)]);
                if (r.nextInt(4) == 0) s.append(" took ").append(r.nextInt(200)).append(" ms");
                s.append('\n');
            }
            byte[] text = s.toString().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(text, 0, data, 0, data.length);
            out.add(new GuestWrite(start + b * BLOCK, data));
            b += n;
        }
    }

    private static void fillText(SplittableRandom r, byte[] data, String flavor) {
        StringBuilder s = new StringBuilder();
        while (s.length() < data.length) {
            s.append(flavor).append('.').append(WORDS[r.nextInt(WORDS.length)]).append(" = ")
                    .append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(10)).append('\n');
        }
        System.arraycopy(s.toString().getBytes(StandardCharsets.US_ASCII), 0, data, 0, data.length);
    }

    /** Pages updated in place at random: header, slot array, rows of fixed layout with a few varying fields. */
    private static void database(SplittableRandom r, long start, long regionLength, long blocks, List<GuestWrite> out) {
        long pages = Math.max(1, regionLength / DB_PAGE);
        for (long written = 0; written < blocks; written += DB_PAGE / BLOCK) {
            long page = r.nextLong(pages);
            byte[] p = new byte[DB_PAGE];
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(p);
            b.putLong(0, r.nextLong()).putInt(8, (int) page).putShort(12, (short) 0x0001);
            int rows = 40 + r.nextInt(40);
            int rowSize = 96;
            for (int i = 0; i < rows && 64 + (i + 1) * rowSize <= DB_PAGE; i++) {
                int at = DB_PAGE - (i + 1) * rowSize;
                b.putShort(24 + 2 * i, (short) at);
                b.putInt(at, 1000 + i).putInt(at + 4, r.nextInt(50)).putLong(at + 8, 1_700_000_000L + r.nextInt(86_400));
                byte[] name = ("customer-" + r.nextInt(500) + " status=active tier=standard   ").getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(name, 0, p, at + 16, Math.min(name.length, rowSize - 24));
                b.putLong(at + rowSize - 8, r.nextLong());
            }
            long offset = start + page * DB_PAGE;
            if (offset + DB_PAGE > start + regionLength) offset = start;
            out.add(new GuestWrite(offset, p));
        }
    }
}
