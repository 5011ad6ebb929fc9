package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.TimelinePhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real VM's timeline from its {@link BootEvent}s: each event begins a phase that ends where the next event begins
 * (or is still under way); {@code ready} and {@code off} end the phase before them and begin none. Times are lab
 * times: wall time since the lab was made. What bounds a real phase is not measured, so QEMU's own start is
 * {@code fixed} and what the guest runs (firmware, boot loader, kernel, init) is {@code cpu}: under TCG every guest
 * instruction is translated on the host's CPU.
 */
final class BootTimeline {
    private BootTimeline() {}

    static List<TimelinePhase> phases(String machine, List<BootEvent> events, long labStartMicros) {
        List<TimelinePhase> out = new ArrayList<>();
        BootEvent open = null;
        for (BootEvent e : events) {
            if (open != null) {
                out.add(phase(machine, open, Optional.of(at(e, labStartMicros)), labStartMicros));
            }
            open = e.endsPhase() ? null : e;
        }
        if (open != null) {
            out.add(phase(machine, open, Optional.empty(), labStartMicros));
        }
        return out;
    }

    private static TimelinePhase phase(String machine, BootEvent e, Optional<Duration> end, long labStartMicros) {
        return new TimelinePhase(machine, e.phase(), e.step(), at(e, labStartMicros), end,
                e.phase().equals("vmm") ? BoundBy.FIXED : BoundBy.CPU);
    }

    private static Duration at(BootEvent e, long labStartMicros) {
        return Duration.ofNanos(Math.max(0, e.atMicros() - labStartMicros) * 1000);
    }
}
