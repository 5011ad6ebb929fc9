package dev.hyperlab.core.qemu.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QMP client against a real QEMU ({@code -machine none}: no guest, it starts in milliseconds). */
class QmpClientQemuTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Process qemu;

    private QmpClient start() throws Exception {
        Path sock = dir.resolve("qmp.sock");
        qemu = new ProcessBuilder("qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none",
                "-qmp", "unix:" + sock + ",server=on,wait=off")
                .redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        return QmpClient.connect(sock, T);
    }

    @AfterEach
    void stop() {
        if (qemu != null) {
            qemu.destroyForcibly();
        }
    }

    @Test
    void greetsNegotiatesAndRunsCommands() throws Exception {
        try (QmpClient qmp = start()) {
            assertThat(qmp.greeting().major()).isGreaterThanOrEqualTo(7);
            assertThat(qmp.greeting().capabilities()).contains("oob");
            Object version = qmp.execute("query-version", T);
            assertThat(version).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) ((Map<?, ?>) version).get("qemu")).get("major"))
                    .isEqualTo((long) qmp.greeting().major());
            assertThat(qmp.execute("query-status", T)).asString().contains("running");
        }
    }

    @Test
    void refusedCommandIsTypedWithQemusOwnMessage() throws Exception {
        try (QmpClient qmp = start()) {
            assertThatThrownBy(() -> qmp.execute("no-such-command", T))
                    .isInstanceOfSatisfying(QmpCommandException.class, e -> {
                        assertThat(e.errorClass()).isEqualTo("CommandNotFound");
                        assertThat(e.getMessage()).isEqualTo("The command no-such-command has not been found");
                    });
            assertThatThrownBy(() -> qmp.execute("query-status", Map.of("bogus", 1), T))
                    .isInstanceOf(QmpCommandException.class).hasMessageContaining("bogus");
            assertThat(qmp.execute("query-status", T)).isNotNull(); // still usable after refusals
        }
    }

    @Test
    void eventsArriveAndTheEndOfQemuClosesTheConnection() throws Exception {
        try (QmpClient qmp = start()) {
            qmp.execute("stop", T);
            assertThat(qmp.awaitEvent("STOP", T).timestamp().getEpochSecond()).isPositive();
            qmp.execute("quit", T);
            QmpEvent shutdown = qmp.awaitEvent("SHUTDOWN", T);
            assertThat(shutdown.data()).containsEntry("reason", "host-qmp-quit");
            qemu.waitFor();
            assertThatThrownBy(() -> qmp.awaitEvent("NEVER", T)).isInstanceOf(QmpClosedException.class);
            assertThatThrownBy(() -> qmp.execute("query-status", T)).isInstanceOf(QmpClosedException.class);
            assertThat(qmp.isOpen()).isFalse();
        }
    }

    @Test
    void reconnectsAfterTheFirstClientLeaves() throws Exception {
        QmpClient first = start();
        first.close();
        try (QmpClient second = QmpClient.connect(dir.resolve("qmp.sock"), T)) {
            assertThat(second.execute("query-status", T)).isNotNull();
        }
    }

    @Test
    void connectingWhereNoQemuListensTimesOut() {
        assertThatThrownBy(() -> QmpClient.connect(dir.resolve("none.sock"), Duration.ofMillis(200)))
                .isInstanceOf(QmpTimeoutException.class).hasMessageContaining("none.sock");
    }
}
