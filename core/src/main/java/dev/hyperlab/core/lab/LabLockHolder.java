package dev.hyperlab.core.lab;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Properties;

/**
 * Who holds a lab's lock, written into {@code lab.lock} by the process that takes it, so that the process refused
 * can say who has the lab open: {@code process 4242 on build-7 since 2026-12-05T12:00:00Z}. The lock itself is the
 * kernel's (a POSIX record lock on the file), released when its process ends however it ends; what is written here
 * only describes it, and is read with a bound, as another process (or anyone) may have written it. The time is the
 * wall clock's, which touches no lab result.
 */
final class LabLockHolder {
    /** More than the three lines a holder writes: a longer file is not one of ours and is not read. */
    private static final int MAX_BYTES = 1024;

    private LabLockHolder() {}

    /** Records this process as the holder (the lock is held: nobody else writes the file meanwhile). */
    static void write(FileChannel lock) throws IOException {
        String text = "pid=" + ProcessHandle.current().pid() + "\nhost=" + hostName() + "\nsince="
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n";
        lock.truncate(0);
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        long pos = 0;
        while (b.hasRemaining()) {
            pos += lock.write(b, pos);
        }
    }

    /** The holder as the lock file describes it, e.g. {@code process 4242 on build-7 since ...}; empty if it does not. */
    static Optional<String> read(FileChannel lock) {
        try {
            long size = lock.size();
            if (size == 0 || size > MAX_BYTES) {
                return Optional.empty();
            }
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining() && lock.read(b, b.position()) > 0) {
                // read to the end
            }
            Properties p = new Properties();
            p.load(new java.io.StringReader(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8)));
            String pid = p.getProperty("pid", "");
            String host = p.getProperty("host", "");
            String since = p.getProperty("since", "");
            if (!pid.matches("[0-9]{1,10}") || !host.matches("[A-Za-z0-9._-]{1,253}")
                    || !since.matches("[0-9T:Z.-]{1,40}")) {
                return Optional.empty(); // not what a holder writes: said as "another process" only
            }
            return Optional.of("process " + pid + " on " + host + " since " + since);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The kernel's host name; not InetAddress's, which may wait on a name server when a lab opens. */
    private static String hostName() {
        try {
            String name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            return name.isEmpty() ? "localhost" : name;
        } catch (IOException e) {
            return "localhost";
        }
    }
}
