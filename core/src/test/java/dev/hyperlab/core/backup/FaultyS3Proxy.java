package dev.hyperlab.core.backup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting HTTP proxy in front of an S3 server, for the retry tests: one request per connection, forwarded
 * byte for byte (so signatures still verify), except that at seeded points it answers 500 itself or resets the
 * connection. A distinct request (method, target, range) chosen at the seeded rate is failed on each of its next
 * {@code maxFaultsPerRequest} tries, so a client that retries more than that gets through; {@code Integer.MAX_VALUE}
 * makes the failure permanent.
 */
final class FaultyS3Proxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private final SplittableRandom random;
    private final double faultRate;
    private final int maxFaultsPerRequest;
    private final Map<String, Integer> faultsByRequest = new HashMap<>();
    final AtomicInteger errors500 = new AtomicInteger();
    final AtomicInteger resets = new AtomicInteger();
    /** Every request line forwarded or failed, in arrival order. */
    final List<String> requests = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    /** Requests being served at once, and the most there were. */
    private final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    /** Request lines containing this are answered 500 every time (null: none). */
    volatile String alwaysFail;
    /** The PUT (counted from 1) that is stalled halfway through its body, for a kill mid-upload; 0: none. */
    volatile int stallPut;
    final AtomicInteger puts = new AtomicInteger();
    /** Counted down when the stalled PUT has sent half its body on and hangs. */
    final java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    private final Thread acceptor;

    FaultyS3Proxy(int upstreamPort, long seed, double faultRate, int maxFaultsPerRequest) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.random = new SplittableRandom(seed);
        this.faultRate = faultRate;
        this.maxFaultsPerRequest = maxFaultsPerRequest;
        this.acceptor = Thread.ofPlatform().daemon().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** A backend that reaches the server through this proxy. */
    S3Backend backend(String bucketAndPrefix) throws RepositoryException {
        return new S3Backend(S3Location.parse("s3:http://127.0.0.1:" + port() + "/" + bucketAndPrefix),
                S3TestServer.ACCESS, S3TestServer.SECRET, "us-east-1");
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofPlatform().daemon().start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (client) {
            InputStream in = client.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) { // up to the blank line ending the headers
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
                matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : b == '\r' ? 1 : 0;
            }
            String headers = head.toString(StandardCharsets.ISO_8859_1);
            long length = 0;
            String range = "";
            for (String line : headers.split("\r\n")) {
                String lower = line.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).trim());
                } else if (lower.startsWith("range:")) {
                    range = line;
                }
            }
            byte[] body = in.readNBytes((int) length);
            String line = headers.substring(0, headers.indexOf("\r\n"));
            requests.add(line);
            String key = line + " " + range;
            String failing = alwaysFail;
            int fault = failing != null && line.contains(failing) ? 1 : decide(key);
            if (fault == 1) {
                errors500.incrementAndGet();
                byte[] doc = "<Error><Code>InternalError</Code></Error>".getBytes(StandardCharsets.US_ASCII);
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Length: " + doc.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(doc);
                out.flush();
                return;
            }
            if (fault == 2) {
                resets.incrementAndGet();
                client.setSoLinger(true, 0); // an RST, as a crashed server or a dropped connection gives
                return;
            }
            boolean stall = line.startsWith("PUT ") && puts.incrementAndGet() == stallPut;
            try (Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                String forwarded = headers.substring(0, headers.length() - 2) + "Connection: close\r\n\r\n";
                OutputStream o = up.getOutputStream();
                o.write(forwarded.getBytes(StandardCharsets.ISO_8859_1));
                if (stall) { // half the body reaches the server, then nothing more until the proxy closes
                    o.write(body, 0, body.length / 2);
                    o.flush();
                    stalled.countDown();
                    closing.await();
                    return;
                }
                o.write(body);
                o.flush();
                up.getInputStream().transferTo(client.getOutputStream());
            }
        } catch (IOException | InterruptedException e) {
            // the client or the server went away: nothing to relay
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** 0: forward; 1: answer 500; 2: reset. */
    private synchronized int decide(String request) {
        int done = faultsByRequest.getOrDefault(request, 0);
        // a request chosen once is failed on every try until it has been failed maxFaultsPerRequest times
        if (done >= maxFaultsPerRequest || done == 0 && random.nextDouble() >= faultRate) {
            return 0;
        }
        faultsByRequest.put(request, done + 1);
        return random.nextBoolean() ? 1 : 2;
    }

    @Override
    public void close() throws IOException {
        closing.countDown();
        server.close();
        acceptor.interrupt();
    }
}
