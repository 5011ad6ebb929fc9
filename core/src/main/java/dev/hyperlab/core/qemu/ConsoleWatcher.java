package dev.hyperlab.core.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Reads a VM's serial console log as it grows and writes the boot phases its lines begin into the VM's timeline
 * ({@link BootLog}), stamped with the wall time the line was read. A thread of the lab polls every VM it watches
 * often enough for a boot's phases (tens of milliseconds); a caller that needs the newest state (is the guest ready?)
 * polls first. After a gap (no hyperlab process was running) it goes on from where the timeline's last event left
 * the console, marking what it finds then as late.
 */
final class ConsoleWatcher {
    /** A console line longer than this is cut: phases are recognised by their beginnings. */
    private static final int MAX_LINE = 4096;
    /** At most this much console is read a poll, so that a flood cannot hold the lab up. */
    private static final int MAX_READ = 1 << 20;

    private final QemuVmFiles files;
    private long offset;
    private final StringBuilder partial = new StringBuilder();
    private boolean ready;
    private String lastPhase = "";
    private boolean catchingUp;

    ConsoleWatcher(QemuVmFiles files) {
        this.files = files;
        List<BootEvent> events = BootLog.read(files.timeline());
        for (BootEvent e : events) {
            offset = e.offset();
            if (e.startsBoot()) {
                ready = false;
            }
            ready |= e.isReady();
            lastPhase = e.phase() + "/" + e.step();
        }
        catchingUp = true; // what the console holds beyond the last event appeared while nobody watched
    }

    /** Records that a boot begins now (QEMU started, or the machine was reset): the console from here on is its. */
    synchronized void bootBegins(String step) {
        poll();
        long at = consoleSize();
        offset = at;
        partial.setLength(0);
        ready = false;
        catchingUp = false;
        record(new BootPhases.Phase("vmm", step), step.equals("start") ? "QEMU process started" : "system reset",
                at, false);
    }

    /** Records a phase that is seen elsewhere than on the console (the QMP greeting). */
    synchronized void phase(String phase, String step, String text) {
        poll();
        record(new BootPhases.Phase(phase, step), text, offset, false);
    }

    /**
     * Records that the machine now runs from a snapshot's saved state (QEMU's {@code -loadvm} or {@code snapshot-load}):
     * the guest is where it was when the snapshot was taken, up and ready, and no boot of it is under way.
     */
    synchronized void restored(String snapshot) {
        poll();
        offset = consoleSize();
        partial.setLength(0);
        catchingUp = false;
        record(new BootPhases.Phase("vmm", "revert"), "VM state loaded from snapshot " + snapshot, offset, false);
        record(new BootPhases.Phase(BootPhases.READY, ""), "the guest runs on from snapshot " + snapshot, offset,
                false);
        ready = true;
    }

    /** Records that the machine stopped (powered off, destroyed, died): the phase under way ends. */
    synchronized void ended(String why) {
        poll();
        ready = true; // nothing more of this boot is a phase
        record(new BootPhases.Phase(BootEvent.END, ""), why, offset, false);
    }

    /** Whether the current boot reached "ready" (after reading what is new on the console). */
    synchronized boolean ready() {
        poll();
        return ready;
    }

    /** Reads what the console gained since the last poll. */
    synchronized void poll() {
        long size = consoleSize();
        if (size < offset) {
            offset = size; // the log was cut (by hand): go on from its end
            partial.setLength(0);
        }
        if (size == offset) {
            catchingUp = false;
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(files.console().toFile(), "r")) {
            int n = (int) Math.min(size - offset, MAX_READ);
            byte[] buf = new byte[n];
            f.seek(offset);
            f.readFully(buf);
            int lineStart = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    append(buf, lineStart, i - lineStart);
                    line(offset + i + 1);
                    lineStart = i + 1;
                }
            }
            append(buf, lineStart, n - lineStart);
            offset += n;
        } catch (IOException e) {
            return; // not there yet (QEMU creates it as it starts)
        }
        if (offset == size) {
            catchingUp = false;
        }
    }

    private void append(byte[] buf, int from, int len) {
        int room = MAX_LINE - partial.length();
        if (room > 0 && len > 0) {
            partial.append(new String(buf, from, Math.min(len, room), StandardCharsets.UTF_8));
        }
    }

    private void line(long end) {
        String text = ConsoleLines.clean(partial.toString()).strip();
        partial.setLength(0);
        Optional<BootPhases.Phase> p = BootPhases.of(text);
        if (p.isEmpty()) {
            return;
        }
        BootPhases.Phase phase = p.get();
        if (ready && !(phase.phase().equals("init") && phase.step().equals("poweroff"))) {
            return; // after ready, only the guest's power-off is part of the machine's story
        }
        if (phase.id().equals(lastPhase) || (phase.phase() + "/" + phase.step()).equals(lastPhase)) {
            return; // the same phase again (SeaBIOS tries a second boot device): it goes on
        }
        record(ready ? new BootPhases.Phase("shutdown", "") : phase, text, end, catchingUp);
        ready |= phase.phase().equals(BootPhases.READY);
    }

    private void record(BootPhases.Phase phase, String text, long at, boolean late) {
        lastPhase = phase.phase() + "/" + phase.step();
        BootLog.append(files.timeline(), new BootEvent(nowMicros(), phase.phase(), phase.step(), text, at, late));
    }

    private long consoleSize() {
        return files.console().toFile().length();
    }

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
