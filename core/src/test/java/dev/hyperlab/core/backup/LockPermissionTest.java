package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository whose locks cannot be written (another user's, read-only to this one) is refused with the reason: the
 * JDK's AccessDeniedException says only the file's path, and the user saw "restore failed: /repo/tmp/locks-...".
 */
class LockPermissionTest {
    @TempDir
    Path tmp;

    @Test
    void aLockThatCannotBeWrittenSaysPermissionDenied() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("repo"));
        Files.createDirectories(dir.resolve("locks"));
        Files.createDirectories(dir.resolve("tmp"));
        LocalBackend real = new LocalBackend(dir);
        // root writes anywhere, so the refusal a non-owner meets is made by the backend
        Backend denying = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("save") && args[0] == FileKind.LOCK) {
                        throw new AccessDeniedException(dir.resolve("tmp/locks-1").toString());
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        assertThatThrownBy(() -> RepositoryLock.acquire(denying, false, "restore", Clock.systemUTC()))
                .isInstanceOf(RepositoryException.class)
                .hasMessage("cannot lock the repository: permission denied writing " + dir.resolve("tmp/locks-1")
                        + " (a backup, restore or check needs write access to the repository's locks/ and tmp/)");
    }
}
