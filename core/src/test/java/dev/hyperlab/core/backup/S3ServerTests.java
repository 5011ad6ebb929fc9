package dev.hyperlab.core.backup;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Tests against one real S3 server (S3Proxy on loopback) started before the class's tests and stopped after them. */
abstract class S3ServerTests {
    @TempDir
    static Path serverDir;

    @TempDir
    Path tmp;

    static S3TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3TestServer(serverDir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }
}
