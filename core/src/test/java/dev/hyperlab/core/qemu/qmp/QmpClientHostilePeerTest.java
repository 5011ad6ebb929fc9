package dev.hyperlab.core.qemu.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QMP client against a fake monitor that misbehaves: every bad message is checked and bounded. */
class QmpClientHostilePeerTest {
    private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, "
            + "\"major\": 7}, \"package\": \"\"}, \"capabilities\": []}}\n";
    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private Thread peer;

    /** A fake monitor: it sends {@code greeting}, then calls {@code script} with the client's lines and the socket. */
    private Path fake(String greeting, BiConsumer<BlockingQueue<String>, SocketChannel> script) throws IOException {
        Path sock = dir.resolve("fake.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        peer = Thread.ofPlatform().daemon().start(() -> {
            try (SocketChannel ch = server.accept()) {
                send(ch, greeting);
                BlockingQueue<String> received = new LinkedBlockingQueue<>();
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        LineReader r = new LineReader(ch, 1 << 16);
                        for (byte[] l = r.next(); l != null; l = r.next()) {
                            received.add(new String(l, StandardCharsets.UTF_8));
                        }
                    } catch (IOException | QmpException e) {
                        // the client went away
                    }
                });
                script.accept(received, ch);
                Thread.sleep(10_000); // keep the socket open: the client must not wait for its end
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        });
        return sock;
    }

    private static void send(SocketChannel ch, String s) {
        try {
            ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            // the client closed
        }
    }

    /** Answers qmp_capabilities with {@code {"return": {}}} and the id it was sent with. */
    private static String answerCapabilities(BlockingQueue<String> in, SocketChannel ch) {
        String id = idOf(take(in));
        send(ch, "{\"return\": {}, \"id\": \"" + id + "\"}\n");
        return id;
    }

    private static String take(BlockingQueue<String> in) {
        try {
            return in.take();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String idOf(String line) {
        int at = line.indexOf("\"id\":\"") + 6;
        return line.substring(at, line.indexOf('"', at));
    }

    @AfterEach
    void stop() throws IOException {
        if (peer != null) {
            peer.interrupt();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPeerThatDoesNotGreetWithQmpIsRefused() throws IOException {
        Path sock = fake("{\"hello\": 1}\n", (in, ch) -> {});
        assertThatThrownBy(() -> QmpClient.connect(sock, T)).isInstanceOf(QmpProtocolException.class)
                .hasMessageContaining("did not greet with QMP");
    }

    @Test
    void aSilentPeerTimesOutInsteadOfHanging() throws IOException {
        Path sock = fake("", (in, ch) -> {});
        assertThatThrownBy(() -> QmpClient.connect(sock, Duration.ofMillis(300)))
                .isInstanceOf(QmpTimeoutException.class).hasMessageContaining("greeting");
    }

    @Test
    void aGreetingWithoutAVersionIsRefused() throws IOException {
        Path sock = fake("{\"QMP\": {\"version\": {\"qemu\": {\"major\": -3}}}}\n", (in, ch) -> {});
        assertThatThrownBy(() -> QmpClient.connect(sock, T)).isInstanceOf(QmpProtocolException.class)
                .hasMessageContaining("version");
    }

    @Test
    void anOverlongLineClosesTheConnectionWithoutHoldingIt() throws IOException {
        Path sock = fake(GREETING, (in, ch) -> {
            answerCapabilities(in, ch);
            take(in);
            send(ch, "{\"return\": \"" + "x".repeat(200_000)); // no newline: a peer trying to exhaust memory
        });
        try (QmpClient qmp = QmpClient.connect(sock, T, 4096)) {
            assertThatThrownBy(() -> qmp.execute("query-status", T)).isInstanceOf(QmpProtocolException.class)
                    .hasMessageContaining("longer than 4096 bytes");
            assertThat(qmp.isOpen()).isFalse();
        }
    }

    @Test
    void badJsonClosesTheConnectionForEveryoneWaiting() throws IOException {
        Path sock = fake(GREETING, (in, ch) -> {
            answerCapabilities(in, ch);
            take(in);
            send(ch, "{\"return\": {]\n");
        });
        try (QmpClient qmp = QmpClient.connect(sock, T)) {
            assertThatThrownBy(() -> qmp.execute("query-status", T)).isInstanceOf(QmpProtocolException.class)
                    .hasMessageContaining("not valid JSON");
            assertThatThrownBy(() -> qmp.execute("query-status", T)).isInstanceOf(QmpProtocolException.class);
        }
    }

    @Test
    void aMessageThatIsNeitherReplyNorEventIsAProtocolError() throws IOException {
        Path sock = fake(GREETING, (in, ch) -> {
            answerCapabilities(in, ch);
            take(in);
            send(ch, "[1, 2, 3]\n");
        });
        try (QmpClient qmp = QmpClient.connect(sock, T)) {
            assertThatThrownBy(() -> qmp.execute("query-status", T)).isInstanceOf(QmpProtocolException.class)
                    .hasMessageContaining("not a JSON object");
        }
    }

    @Test
    void repliesWithWrongIdsAreDroppedAndTheRightOneIsTaken() throws IOException {
        Path sock = fake(GREETING, (in, ch) -> {
            answerCapabilities(in, ch);
            String id = idOf(take(in));
            send(ch, "{\"return\": {\"status\": \"forged\"}, \"id\": \"hl-999\"}\n");
            send(ch, "{\"return\": {\"status\": \"no id\"}}\n");
            send(ch, "{\"return\": {\"status\": \"numeric\"}, \"id\": 2}\n");
            send(ch, "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": -5, \"microseconds\": 99999999}}\n");
            send(ch, "{\"return\": {\"status\": \"running\"}, \"id\": \"" + id + "\"}\n");
        });
        try (QmpClient qmp = QmpClient.connect(sock, T)) {
            assertThat(qmp.execute("query-status", T)).asString().contains("running");
            assertThat(qmp.strayReplies()).isEqualTo(3);
            QmpEvent stop = qmp.awaitEvent("STOP", T);
            assertThat(stop.timestamp().getEpochSecond()).isZero(); // an impossible stamp is not believed
        }
    }

    @Test
    void anUnansweredCommandTimesOutAndALateReplyIsDropped() throws IOException {
        Path sock = fake(GREETING, (in, ch) -> {
            answerCapabilities(in, ch);
            String late = idOf(take(in));
            String second = idOf(take(in)); // the client gave up on the first and sent a second
            send(ch, "{\"return\": {\"n\": 1}, \"id\": \"" + late + "\"}\n");
            send(ch, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, \"id\": \"" + second + "\"}\n");
        });
        try (QmpClient qmp = QmpClient.connect(sock, T)) {
            assertThatThrownBy(() -> qmp.execute("query-status", Duration.ofMillis(200)))
                    .isInstanceOf(QmpTimeoutException.class).hasMessageContaining("query-status");
            assertThatThrownBy(() -> qmp.execute("stop", T)).isInstanceOfSatisfying(QmpCommandException.class,
                    e -> assertThat(e.errorClass()).isEqualTo("GenericError"));
            assertThat(qmp.strayReplies()).isEqualTo(1);
        }
    }

    @Test
    void theEventQueueIsBounded() throws IOException {
        Path sock = fake(GREETING, (in, ch) -> {
            answerCapabilities(in, ch);
            String id = idOf(take(in));
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < QmpClient.EVENT_QUEUE + 50; i++) {
                b.append("{\"event\": \"E").append(i).append("\"}\n");
            }
            send(ch, b + "{\"return\": {}, \"id\": \"" + id + "\"}\n");
        });
        try (QmpClient qmp = QmpClient.connect(sock, T)) {
            qmp.execute("query-status", T); // replies and events come in order: all events are in by now
            var events = qmp.drainEvents();
            assertThat(events).hasSize(QmpClient.EVENT_QUEUE);
            assertThat(events.getFirst().name()).isEqualTo("E50");
        }
    }
}
