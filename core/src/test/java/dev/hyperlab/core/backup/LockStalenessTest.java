package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Locks in object storage expire by time, as restic's do: a lock of another host not refreshed for 30 minutes is stale
 * and removed; a held lock is refreshed every 5 minutes so it never expires. The clock is the test's own.
 */
@Timeout(120)
class LockStalenessTest extends S3ServerTests {
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        final AtomicLong millis = new AtomicLong(T0);

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static void remoteLock(Backend b, String name, long time, String op) throws IOException {
        b.save(FileKind.LOCK, name, ("{\"pid\":4242,\"started\":0,\"host\":\"another-host\",\"boot\":\"x\","
                + "\"exclusive\":false,\"operation\":\"" + op + "\",\"seq\":1,\"time\":" + time + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLockOfAnotherHostExpiresAfterThirtyMinutesWithoutRefresh() throws IOException {
        server.createBucket("stale");
        MovableClock clock = new MovableClock();
        S3Backend backend = server.backend("stale/repo");
        BackupRepository repo = BackupRepository.init(backend, Optional.empty(), TestDisks.fastKdf(), 3).clock(clock);
        remoteLock(backend, "4242-remote", T0, "backup of db1");

        clock.advance(Duration.ofMinutes(29));
        assertThat(repo.locks()).singleElement().satisfies(l -> {
            assertThat(l.stale()).isFalse();
            assertThat(l.time()).isEqualTo(T0);
        });
        assertThatThrownBy(() -> repo.prune(1)).hasMessageContaining("locked by process 4242 on another-host");

        clock.advance(Duration.ofMinutes(2));
        assertThat(repo.locks()).singleElement().satisfies(l -> assertThat(l.stale() && l.expired()).isTrue());
        assertThat(repo.prune(1).notes()).contains("removed stale lock of process 4242 on another-host (backup of db1),"
                + " not refreshed for 31 min (a lock expires after 30)");
        assertThat(repo.locks()).isEmpty();
    }

    @Test
    void aHeldLockIsRefreshedSoItNeverExpires() throws Exception {
        server.createBucket("fresh");
        MovableClock clock = new MovableClock();
        S3Backend backend = server.backend("fresh/repo");
        BackupRepository.init(backend, Optional.empty(), TestDisks.fastKdf(), 3);
        try (RepositoryLock held = RepositoryLock.acquire(backend, false, "backup of web1", clock,
                Duration.ofMillis(5))) {
            String first = backend.list(FileKind.LOCK).getFirst();
            // 25 minutes of a long operation, in steps the refresher sees
            for (int i = 0; i < 5; i++) {
                clock.advance(RepositoryLock.REFRESH_EVERY);
                long due = clock.millis();
                // refreshed: the new lock written and the old one removed
                while (!RepositoryLock.list(backend, clock).stream().map(LockInfo::time).toList()
                        .equals(List.of(due))) {
                    Thread.sleep(5);
                }
            }
            List<String> names = backend.list(FileKind.LOCK);
            assertThat(names).hasSize(1).doesNotContain(first);
            // another process 35 minutes after the lock was taken: still live, so prune waits
            clock.advance(Duration.ofMinutes(10));
            // (the refresher may be between writing its next lock and removing the previous one: both are live)
            assertThat(RepositoryLock.list(backend, clock)).isNotEmpty().noneMatch(LockInfo::stale);
            assertThatThrownBy(() -> RepositoryLock.acquire(backend, true, "prune", clock))
                    .hasMessageContaining("(backup of web1)");
        }
        assertThat(backend.list(FileKind.LOCK)).isEmpty();
    }
}
