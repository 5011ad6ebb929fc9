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
    /** The database pages {@link WorkloadKind#DATABASE} writes, each at a page boundary of its region. */
    public static final int DATABASE_PAGE = 8192;
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
    // the texts above as ASCII bytes, so lines are put straight into the block (as text first they cost 20x more)
    private static final byte[][] WORD_BYTES = ascii(WORDS);
    private static final byte[][] MESSAGE_BYTES = ascii(MESSAGES);
    private static final byte[] EQUALS = ascii(" = ");
    // the fixed parts of a log line put together ahead: " host sshd[100]: ", "INFO ", " took 42 ms"
    private static final byte[][] UNIT_PREFIX = new byte[UNITS.length][];
    private static final byte[][] LEVEL_SPACE = new byte[LEVELS.length][];
    private static final byte[][] TOOK = new byte[200][];
    /** A database row's name field: {@code customer-N status=active tier=standard} for N below 500. */
    private static final byte[][] CUSTOMERS = new byte[500][];

    static {
        for (int i = 0; i < UNITS.length; i++) {
            UNIT_PREFIX[i] = ascii(" host " + UNITS[i] + "[" + (100 + i) + "]: ");
        }
        for (int i = 0; i < LEVELS.length; i++) {
            LEVEL_SPACE[i] = ascii(LEVELS[i] + " ");
        }
        for (int i = 0; i < TOOK.length; i++) {
            TOOK[i] = ascii(" took " + i + " ms");
        }
        for (int i = 0; i < CUSTOMERS.length; i++) {
            CUSTOMERS[i] = ascii("customer-" + i + " status=active tier=standard   ");
        }
    }

    private GuestWorkload() {}

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] ascii(String[] texts) {
        byte[][] out = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            out[i] = ascii(texts[i]);
        }
        return out;
    }

    /**
     * ASCII text put into a block of fixed size: it fills up line by line, and what runs past the end of the block is
     * cut off (each line is still drawn whole, so the random stream moves on the same however long the block is).
     */
    private static final class Text {
        final byte[] data;
        private int at;
        private long lastSeconds = -1;
        private byte[] lastSecondsDigits;

        Text(int size) {
            this(new byte[size]);
        }

        Text(byte[] data) {
            this.data = data;
        }

        boolean full() {
            return at >= data.length;
        }

        Text put(byte b) {
            if (at < data.length) {
                data[at] = b;
            }
            at++;
            return this;
        }

        Text put(byte[] bytes) {
            if (at < data.length) {
                System.arraycopy(bytes, 0, data, at, Math.min(bytes.length, data.length - at));
            }
            at += bytes.length;
            return this;
        }

        /** A number of 0 or more in decimal, as {@code StringBuilder.append(long)} writes it. */
        Text number(long value) {
            int digits = 1;
            for (long v = value; v >= 10; v /= 10) {
                digits++;
            }
            long v = value;
            for (int i = at + digits - 1; i >= at; i--, v /= 10) {
                if (i < data.length) {
                    data[i] = (byte) ('0' + v % 10);
                }
            }
            at += digits;
            return this;
        }

        /** {@link #number}, for a clock's seconds: many lines in a row share them, so their digits are kept. */
        Text seconds(long value) {
            if (value != lastSeconds) {
                lastSeconds = value;
                lastSecondsDigits = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            }
            return put(lastSecondsDigits);
        }

        /** Three digits with leading zeros ({@code %03d} of a value below 1000). */
        Text digits3(int value) {
            return put((byte) ('0' + value / 100)).put((byte) ('0' + value / 10 % 10)).put((byte) ('0' + value % 10));
        }
    }

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
            Text t = new Text(n * BLOCK);
            while (!t.full()) {
                millis += r.nextInt(40); // busy services log many lines a second
                int unit = r.nextInt(UNITS.length);
                t.seconds(millis / 1000).put((byte) '.').digits3((int) (millis % 1000)).put(UNIT_PREFIX[unit])
                        .put(LEVEL_SPACE[r.nextInt(LEVELS.length)]);
                // services print a few fixed messages over and over, with a number here and there
                t.put(MESSAGE_BYTES[r.nextInt(MESSAGES.length)]);
                if (r.nextInt(4) == 0) t.put(TOOK[r.nextInt(TOOK.length)]);
                t.put((byte) '\n');
            }
            out.add(new GuestWrite(start + b * BLOCK, t.data));
            b += n;
        }
    }

    private static void fillText(SplittableRandom r, byte[] data, String flavor) {
        Text t = new Text(data);
        byte[] prefix = (flavor + ".").getBytes(StandardCharsets.US_ASCII);
        while (!t.full()) {
            t.put(prefix).put(WORD_BYTES[r.nextInt(WORDS.length)]).put(EQUALS).put(WORD_BYTES[r.nextInt(WORDS.length)])
                    .number(r.nextInt(10)).put((byte) '\n');
        }
    }

    /** Pages updated in place at random: header, slot array, rows of fixed layout with a few varying fields. */
    private static void database(SplittableRandom r, long start, long regionLength, long blocks, List<GuestWrite> out) {
        long pages = Math.max(1, regionLength / DATABASE_PAGE);
        for (long written = 0; written < blocks; written += DATABASE_PAGE / BLOCK) {
            long page = r.nextLong(pages);
            byte[] p = new byte[DATABASE_PAGE];
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(p);
            b.putLong(0, r.nextLong()).putInt(8, (int) page).putShort(12, (short) 0x0001);
            int rows = 40 + r.nextInt(40);
            int rowSize = 96;
            for (int i = 0; i < rows && 64 + (i + 1) * rowSize <= DATABASE_PAGE; i++) {
                int at = DATABASE_PAGE - (i + 1) * rowSize;
                b.putShort(24 + 2 * i, (short) at);
                b.putInt(at, 1000 + i).putInt(at + 4, r.nextInt(50)).putLong(at + 8, 1_700_000_000L + r.nextInt(86_400));
                byte[] name = CUSTOMERS[r.nextInt(CUSTOMERS.length)];
                System.arraycopy(name, 0, p, at + 16, Math.min(name.length, rowSize - 24));
                b.putLong(at + rowSize - 8, r.nextLong());
            }
            long offset = start + page * DATABASE_PAGE;
            if (offset + DATABASE_PAGE > start + regionLength) offset = start;
            out.add(new GuestWrite(offset, p));
        }
    }
}
