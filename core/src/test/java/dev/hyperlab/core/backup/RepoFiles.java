package dev.hyperlab.core.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Helpers to find and damage repository files in tests. */
final class RepoFiles {
    private RepoFiles() {}

    static List<Path> under(Path repo, String dir) throws IOException {
        try (Stream<Path> s = Files.walk(repo.resolve(dir))) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static List<Path> all(Path repo) throws IOException {
        try (Stream<Path> s = Files.walk(repo)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !repo.relativize(p).startsWith("locks") && !repo.relativize(p).startsWith("tmp"))
                    .sorted().toList();
        }
    }

    /** Flips every bit of the byte at {@code at}; returns the original content. */
    static byte[] flip(Path file, long at) throws IOException {
        byte[] original = Files.readAllBytes(file);
        byte[] changed = original.clone();
        changed[(int) at] ^= (byte) 0xff;
        Files.write(file, changed);
        return original;
    }
}
