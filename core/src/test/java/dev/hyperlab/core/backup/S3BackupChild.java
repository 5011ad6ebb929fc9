package dev.hyperlab.core.backup;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A separate process for the kill test on S3: one dedup backup of IMAGE into the repository at LOCATION (an {@code s3:}
 * location, the test server's credentials), with packs of PACK bytes.
 *
 * <pre>
 * S3BackupChild LOCATION IMAGE LABTIME VM PACK
 * </pre>
 *
 * Prints {@code DONE} when it finishes.
 */
public final class S3BackupChild {
    private S3BackupChild() {}

    public static void main(String[] args) throws Exception {
        S3Backend backend = new S3Backend(S3Location.parse(args[0]), S3TestServer.ACCESS, S3TestServer.SECRET,
                "us-east-1");
        BackupRepository repo = BackupRepository.open(backend, Optional.empty()).packTarget(Integer.parseInt(args[4]));
        repo.run(new DedupStrategy(), TestDisks.source(args[3], Path.of(args[1]), Long.parseLong(args[2])));
        System.out.println("DONE");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** Starts a child JVM with the test class path. */
    static Process start(String... args) throws java.io.IOException {
        return RepoChild.startJvm(S3BackupChild.class, args);
    }
}
