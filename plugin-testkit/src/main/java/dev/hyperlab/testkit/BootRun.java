package dev.hyperlab.testkit;

import dev.hyperlab.api.lab.TimelinePhase;
import java.time.Duration;
import java.util.List;

/**
 * How one boot went: the machine's state once nothing more happens, the reason when it failed, and its timeline.
 *
 * <pre>{@code
 * BootRun run = lab.boot(spec);
 * run.booted();                  // true when it reached running
 * run.reason();                  // e.g. "Secure Boot Violation: ..." when it did not
 * run.phase("drivers");          // the rows of one phase
 * run.took();                    // lab time from the first row's start to the last row's end
 * }</pre>
 *
 * @param machine the host or VM
 * @param state its state: {@code running}, or {@code crashed} / {@code failed} (or what it stopped in)
 * @param reason why it crashed or failed; empty otherwise
 * @param timeline its timeline rows, in order
 */
public record BootRun(String machine, String state, String reason, List<TimelinePhase> timeline) {

    public BootRun {
        timeline = List.copyOf(timeline);
    }

    /** Whether it reached {@code running}. */
    public boolean booted() {
        return state.equals("running");
    }

    /** The rows of {@code phase} ({@code firmware}, {@code boot-search}, {@code drivers}, ...), in order. */
    public List<TimelinePhase> phase(String phase) {
        return timeline.stream().filter(p -> p.phase().equals(phase)).toList();
    }

    /** Lab time from the start of the first row to the end of the last (zero without rows). */
    public Duration took() {
        if (timeline.isEmpty()) {
            return Duration.ZERO;
        }
        Duration end = timeline.stream().map(p -> p.end().orElse(p.start())).max(Duration::compareTo).orElseThrow();
        return end.minus(timeline.getFirst().start());
    }
}
