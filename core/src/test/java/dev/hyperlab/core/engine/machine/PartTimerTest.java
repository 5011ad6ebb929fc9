package dev.hyperlab.core.engine.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.sim.EventLog;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A timer gives the event log its words ({@link PartTimer#log}) rather than its line: every kind of log must still get
 * exactly {@link PartTimer#describe()}'s line, for every part and for a part number it has no name for.
 */
class PartTimerTest {
    @Test
    void logsTheSameLineAsDescribeInEveryLog() {
        for (int part = -1; part <= 9; part++) {
            PartTimer t = new PartTimer("vm7-3", 123456789012L, part);
            long now = 1_500_000_042L;
            List<String> lines = new ArrayList<>();
            EventLog plain = (time, line) -> lines.add(time + " " + line); // a log that builds nothing itself
            t.log(plain, now);
            assertThat(lines).containsExactly(now + " " + t.describe());

            StringWriter words = new StringWriter();
            StringWriter whole = new StringWriter();
            t.log(EventLog.to(words), now);
            EventLog.to(whole).record(now, t.describe());
            assertThat(words.toString()).isEqualTo(whole.toString()).contains("part=");

            EventLog.Digest a = new EventLog.Digest();
            EventLog.Digest b = new EventLog.Digest();
            t.log(a, now);
            b.record(now, t.describe());
            assertThat(a.hex()).isEqualTo(b.hex());
        }
    }
}
