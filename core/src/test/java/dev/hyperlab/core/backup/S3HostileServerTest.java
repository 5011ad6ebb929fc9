package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An S3 server that answers far more than was asked: the client keeps no more than it asked for, and does not retry. */
class S3HostileServerTest {
    private static final int FLOOD = 32 << 20;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0); // chunked: no length announced up front
            byte[] block = new byte[64 << 10];
            try (var out = exchange.getResponseBody()) {
                for (int sent = 0; sent < FLOOD; sent += block.length) {
                    out.write(block);
                }
            } catch (java.io.IOException clientHungUp) {
                // the client cancelled the download, as it should
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private S3Backend backend() throws RepositoryException {
        return new S3Backend(S3Location.parse("s3:http://127.0.0.1:" + server.getAddress().getPort() + "/bkt/r"),
                "access", "secret", "us-east-1");
    }

    @Test
    void aRangeAnsweredWithTooManyBytesIsOneLineAndNotRetried() throws Exception {
        S3Backend b = backend();
        assertThatThrownBy(() -> b.load(FileKind.PACK, "00aa", 0, ByteBuffer.allocate(4096)))
                .isInstanceOf(RepositoryException.class)
                .hasMessageMatching("the S3 server at http://127\\.0\\.0\\.1:\\d+ answered more than 65536 bytes for "
                        + "data/00aa, more than was asked");
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aListingPageWithoutEndIsRefused() throws Exception {
        S3Backend b = backend();
        assertThatThrownBy(() -> b.list(FileKind.INDEX))
                .isInstanceOf(RepositoryException.class)
                .hasMessageContaining("answered more than " + (8 << 20) + " bytes for the listing of index");
        assertThat(requests.get()).isEqualTo(1);
    }
}
