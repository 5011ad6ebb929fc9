package dev.hyperlab.shell.plugin;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The file operations of the plugin directory, made so that a crash or kill leaves either the old file or the new one,
 * never half of one: a temporary file next to the target, synced, then renamed over it.
 */
final class PluginFiles {
    private PluginFiles() {}

    /**
     * The lines of a list file hyperlab keeps ({@code disabled.txt}, {@code faulty.txt}): none when it is missing, at
     * most {@code maxBytes} of it (a larger file is not one hyperlab wrote).
     */
    static String[] readLines(Path file, int maxBytes) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(maxBytes), java.nio.charset.StandardCharsets.UTF_8).split("\n");
        } catch (java.nio.file.NoSuchFileException e) {
            return new String[0];
        }
    }

    /** Writes {@code bytes} to {@code target}, creating its directory. */
    static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = temporary(target);
        try {
            Files.write(tmp, bytes);
            commit(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Copies {@code file} to {@code target}, creating its directory. */
    static void copy(Path file, Path target) throws IOException {
        Path tmp = temporary(target);
        try {
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            commit(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Deletes {@code path} and, for a directory, what it holds; symbolic links are removed, never followed. */
    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** A hidden name next to {@code target} (PF4J and the plugin listing skip hidden files). */
    static Path temporary(Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        return target.resolveSibling("." + target.getFileName() + ".tmp");
    }

    private static void commit(Path tmp, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
