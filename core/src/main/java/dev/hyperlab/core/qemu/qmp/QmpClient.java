package dev.hyperlab.core.qemu.qmp;

import dev.hyperlab.core.json.Json;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A client of QEMU's machine protocol (QMP) over the VM's Unix socket, as Proxmox's {@code qm} talks to its VMs. The
 * conversation (docs/interop/qmp-spec in QEMU): QEMU greets with its version, the client sends
 * {@code qmp_capabilities}, then commands as {@code {"execute": ..., "arguments": ..., "id": ...}}; QEMU answers
 * each with {@code {"return": ...}} or {@code {"error": {"class", "desc"}}} carrying the same id, and sends
 * {@code {"event": ...}} lines whenever something happens.
 *
 * <p>A reader thread takes the socket's lines: a reply completes the command waiting for its id (a reply to no
 * command waiting is dropped and counted), an event goes into a bounded queue (the oldest dropped when full). The peer
 * is not trusted: a line longer than the limit, JSON that does not parse or a message that is neither reply nor event
 * closes the connection with a {@link QmpProtocolException} for everyone waiting. Commands may come from several
 * threads.
 *
 * <pre>{@code
 * try (QmpClient qmp = QmpClient.connect(socket, Duration.ofSeconds(5))) {
 *     Object status = qmp.execute("query-status", Map.of(), Duration.ofSeconds(5)); // {running=true, status=running}
 * }
 * }</pre>
 */
public final class QmpClient implements AutoCloseable {
    /** The longest line accepted from QEMU unless told: far above any reply hyperlab asks for. */
    public static final int DEFAULT_MAX_LINE = 4 << 20;

    /** How many unread events are kept; older ones are dropped. */
    static final int EVENT_QUEUE = 1024;

    private final SocketChannel channel;
    private final QmpGreeting greeting;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ArrayDeque<QmpEvent> events = new ArrayDeque<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong strayReplies = new AtomicLong();
    private final Object writeLock = new Object();
    private final LineReader lines;
    private volatile QmpException failure;
    private final Thread reader;

    private record Pending(String command, CompletableFuture<Object> reply) {}

    private QmpClient(SocketChannel channel, int maxLine, Duration timeout, String where) {
        this.channel = channel;
        this.lines = new LineReader(channel, maxLine);
        Map<String, Object> hello = readGreeting(timeout, where);
        this.greeting = greetingOf(hello);
        this.reader = Thread.ofPlatform().daemon().name("qmp-" + where).start(this::readLoop);
    }

    /**
     * Connects to the QMP socket at {@code socket}, retrying while QEMU is not listening yet, reads the greeting and
     * negotiates capabilities, all within {@code timeout}.
     *
     * @throws QmpTimeoutException when no QEMU answered in time
     * @throws QmpProtocolException when what answered does not speak QMP
     */
    public static QmpClient connect(Path socket, Duration timeout) {
        return connect(socket, timeout, DEFAULT_MAX_LINE);
    }

    /** As {@link #connect(Path, Duration)}, accepting lines of at most {@code maxLine} bytes. */
    public static QmpClient connect(Path socket, Duration timeout, int maxLine) {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (true) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(socket));
                Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
                QmpClient c = new QmpClient(ch, maxLine, left, socket.getFileName().toString());
                c.execute("qmp_capabilities", Map.of(), left);
                return c;
            } catch (IOException e) {
                closeQuietly(ch);
                last = e; // not listening yet (or gone): try again until the deadline
            } catch (QmpException e) {
                closeQuietly(ch);
                throw e;
            }
            if (System.nanoTime() >= deadline) {
                throw new QmpTimeoutException("no QEMU monitor answered on " + socket + " within "
                        + timeout.toMillis() + " ms (" + last.getMessage() + ")");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QmpClosedException("interrupted while connecting to " + socket, e);
            }
        }
    }

    /** What QEMU said when the connection opened. */
    public QmpGreeting greeting() {
        return greeting;
    }

    /**
     * Runs {@code command} with {@code arguments} and returns what QEMU returned (a map, a list, or an empty map).
     *
     * @throws QmpCommandException with QEMU's own message when it refuses the command
     * @throws QmpTimeoutException when no reply came within {@code timeout} (a late reply is then dropped)
     * @throws QmpClosedException when the connection is gone
     */
    public Object execute(String command, Map<String, ?> arguments, Duration timeout) {
        String id = "hl-" + ids.incrementAndGet();
        Pending p = new Pending(command, new CompletableFuture<>());
        pending.put(id, p);
        try {
            requireOpen();
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("execute", command);
            if (!arguments.isEmpty()) {
                msg.put("arguments", arguments);
            }
            msg.put("id", id);
            send(Json.writeLine(msg));
            return p.reply().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new QmpTimeoutException("QEMU did not answer " + command + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof QmpException q) {
                throw rethrown(q);
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpClosedException("interrupted while waiting for " + command, e);
        } finally {
            pending.remove(id);
        }
    }

    /** As {@link #execute(String, Map, Duration)} for a command without arguments. */
    public Object execute(String command, Duration timeout) {
        return execute(command, Map.of(), timeout);
    }

    /**
     * Takes the first unread event that {@code which} accepts, waiting up to {@code timeout} for it; events before it
     * that it does not accept are kept.
     *
     * @throws QmpTimeoutException when none came in time
     * @throws QmpClosedException when the connection closed first
     */
    public QmpEvent awaitEvent(Predicate<QmpEvent> which, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (var it = events.iterator(); it.hasNext(); ) {
                    QmpEvent e = it.next();
                    if (which.test(e)) {
                        it.remove();
                        return e;
                    }
                }
                if (failure != null) {
                    throw rethrown(failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new QmpTimeoutException("no awaited QEMU event within " + timeout.toMillis() + " ms");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(events, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QmpClosedException("interrupted while waiting for an event", e);
                }
            }
        }
    }

    /** As {@link #awaitEvent(Predicate, Duration)} for the first event named {@code name}. */
    public QmpEvent awaitEvent(String name, Duration timeout) {
        return awaitEvent(e -> e.name().equals(name), timeout);
    }

    /** The unread events, oldest first, taken out of the queue. */
    public List<QmpEvent> drainEvents() {
        synchronized (events) {
            List<QmpEvent> out = List.copyOf(events);
            events.clear();
            return out;
        }
    }

    /** How many replies came for no command waiting (late replies after a timeout, or a peer's made-up ids). */
    public long strayReplies() {
        return strayReplies.get();
    }

    /** Whether the connection is still open (QEMU has not exited and no protocol error closed it). */
    public boolean isOpen() {
        return failure == null && channel.isOpen();
    }

    @Override
    public void close() {
        fail(new QmpClosedException("the QMP connection was closed", null));
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the socket -------------------------------------------------------------------------------------------------

    private void send(byte[] line) {
        synchronized (writeLock) {
            try {
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } catch (IOException e) {
                QmpClosedException c = new QmpClosedException("QEMU's monitor closed the connection: "
                        + e.getMessage(), e);
                fail(c);
                throw c;
            }
        }
    }

    private Map<String, Object> readGreeting(Duration timeout, String where) {
        // the greeting is read before the reader thread starts; a peer that stays silent is closed at the deadline
        Thread watchdog = Thread.ofPlatform().daemon().name("qmp-greeting-" + where).start(() -> {
            try {
                Thread.sleep(timeout);
                closeQuietly(channel);
            } catch (InterruptedException e) {
                // the greeting came
            }
        });
        try {
            byte[] line = lines.next();
            if (line == null) {
                throw new QmpProtocolException("the peer on " + where + " closed without a QMP greeting", null);
            }
            Object msg = parse(line);
            if (!(msg instanceof Map<?, ?> m) || !(m.get("QMP") instanceof Map<?, ?> q)) {
                throw new QmpProtocolException("the peer on " + where + " did not greet with QMP", null);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> hello = (Map<String, Object>) q;
            return hello;
        } catch (IOException e) {
            if (!channel.isOpen()) {
                throw new QmpTimeoutException("no QMP greeting on " + where + " within " + timeout.toMillis()
                        + " ms");
            }
            throw new QmpProtocolException("reading the QMP greeting on " + where + ": " + e.getMessage(), e);
        } finally {
            watchdog.interrupt();
        }
    }

    private static QmpGreeting greetingOf(Map<String, Object> hello) {
        if (!(hello.get("version") instanceof Map<?, ?> v) || !(v.get("qemu") instanceof Map<?, ?> q)) {
            throw new QmpProtocolException("the QMP greeting has no QEMU version", null);
        }
        List<String> caps = hello.get("capabilities") instanceof List<?> l
                ? l.stream().filter(String.class::isInstance).map(String.class::cast).toList() : List.of();
        return new QmpGreeting(versionPart(q, "major"), versionPart(q, "minor"), versionPart(q, "micro"),
                v.get("package") instanceof String s ? s.trim() : "", caps);
    }

    private static int versionPart(Map<?, ?> q, String key) {
        if (!(q.get(key) instanceof Long n) || n < 0 || n > 10_000) {
            throw new QmpProtocolException("the QMP greeting's version has no valid " + key, null);
        }
        return n.intValue();
    }

    private void readLoop() {
        try {
            while (true) {
                byte[] line = lines.next();
                if (line == null) {
                    fail(new QmpClosedException("QEMU closed the QMP connection (the VM's process ended)", null));
                    return;
                }
                dispatch(parse(line));
            }
        } catch (QmpException e) {
            fail(e);
        } catch (IOException e) {
            fail(failure != null ? failure : new QmpClosedException("the QMP connection broke: " + e.getMessage(), e));
        }
    }

    private Object parse(byte[] line) throws IOException {
        try {
            return Json.parse(line, 0, line.length, "a QMP message");
        } catch (IOException e) {
            if (!channel.isOpen() && failure != null) {
                throw e;
            }
            throw new QmpProtocolException(e.getMessage(), e);
        }
    }

    private void dispatch(Object msg) {
        if (!(msg instanceof Map<?, ?> m)) {
            throw new QmpProtocolException("a QMP message is not a JSON object", null);
        }
        if (m.get("event") instanceof String name) {
            event(name, m);
            return;
        }
        if (!m.containsKey("return") && !(m.get("error") instanceof Map<?, ?>)) {
            throw new QmpProtocolException("a QMP message is neither a reply nor an event", null);
        }
        Pending p = m.get("id") instanceof String id ? pending.get(id) : null;
        if (p == null) {
            strayReplies.incrementAndGet();
            return;
        }
        if (m.get("error") instanceof Map<?, ?> err) {
            p.reply().completeExceptionally(new QmpCommandException(p.command(),
                    err.get("class") instanceof String c ? c : "GenericError",
                    err.get("desc") instanceof String d ? d : "QEMU refused " + p.command()));
        } else {
            p.reply().complete(m.get("return"));
        }
    }

    private void event(String name, Map<?, ?> m) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (m.get("data") instanceof Map<?, ?> d) {
            d.forEach((k, v) -> data.put(String.valueOf(k), v));
        }
        Instant at = Instant.EPOCH;
        if (m.get("timestamp") instanceof Map<?, ?> t && t.get("seconds") instanceof Long s
                && t.get("microseconds") instanceof Long us && s >= 0 && us >= 0 && us < 1_000_000) {
            at = Instant.ofEpochSecond(s, us * 1000);
        }
        synchronized (events) {
            if (events.size() >= EVENT_QUEUE) {
                events.removeFirst();
            }
            events.addLast(new QmpEvent(name, data, at));
            events.notifyAll();
        }
    }

    private void fail(QmpException e) {
        synchronized (events) {
            if (failure == null) {
                failure = e;
            }
            events.notifyAll();
        }
        closeQuietly(channel);
        for (Pending p : pending.values()) {
            p.reply().completeExceptionally(failure);
        }
    }

    private void requireOpen() {
        if (failure != null) {
            throw rethrown(failure);
        }
    }

    /** A fresh exception of the same kind, so that the caller's stack shows where it waited. */
    private static QmpException rethrown(QmpException e) {
        return switch (e) {
            case QmpCommandException c -> new QmpCommandException(c.command(), c.errorClass(), c.getMessage());
            case QmpTimeoutException t -> new QmpTimeoutException(t.getMessage());
            case QmpProtocolException p -> new QmpProtocolException(p.getMessage(), p);
            case QmpClosedException c -> new QmpClosedException(c.getMessage(), c);
        };
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing is all that is left to do
            }
        }
    }
}
