package dev.hyperlab.core.storage.fs;

import dev.hyperlab.core.storage.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A directory tree that the external tools (mkfs.ext4 -d, mcopy -s) put into an image, and what a reader must find
 * again: bytes, sizes, modes, symbolic link targets, names. Everything is derived from fixed seeds.
 */
final class SourceTree {
    static final String LONG_NAME = "a-name-well-past-eight-dot-three-" + "x".repeat(150) + ".data";
    static final String UNICODE_NAME = "résumé-日本語-ünïcødé.txt";
    static final String MANY = "many";
    static final int MANY_FILES = 3000;
    static final int DEPTH = 24;
    static final long SPARSE_SIZE = 1L << 30;

    private SourceTree() {}

    /**
     * Regular files of awkward sizes, long and Unicode names, a deep tree and a directory of {@code many} files (mcopy
     * takes minutes for thousands of long names in one FAT directory, as it searches for a free short alias each time).
     */
    static void common(Path root, int manyFiles) throws IOException {
        int[] sizes = {0, 1, 59, 60, 61, 511, 512, 4095, 4096, 4097, 65537, (1 << 20) + 3, 3_000_001};
        for (int i = 0; i < sizes.length; i++) {
            Files.write(root.resolve("size-" + sizes[i] + ".bin"), TestData.mixed(1000 + i, sizes[i]));
        }
        Files.write(root.resolve(LONG_NAME), TestData.mixed(7, 777));
        Files.write(root.resolve(UNICODE_NAME), "hello\n".getBytes());
        Path deep = root;
        for (int i = 0; i < DEPTH; i++) deep = Files.createDirectories(deep.resolve("level" + i));
        Files.write(deep.resolve("bottom.txt"), TestData.mixed(8, 1234));
        Path many = Files.createDirectories(root.resolve(MANY));
        for (int i = 0; i < manyFiles; i++) {
            Files.write(many.resolve(String.format("file-with-a-longer-name-%05d.txt", i)), ("file " + i + "\n").getBytes());
        }
        Files.createDirectories(root.resolve("empty-dir"));
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_000L + (p.toString().length() % 97) * 2000L));
            }
        }
    }

    /** What only a Unix file system keeps: modes, symbolic links, hard links, a FIFO, a big sparse file. */
    static void unix(Path root) throws IOException, InterruptedException {
        Path modes = Files.createDirectories(root.resolve("modes"));
        Files.write(modes.resolve("private"), "secret".getBytes());
        Files.setPosixFilePermissions(modes.resolve("private"), PosixFilePermissions.fromString("rw-------"));
        Files.write(modes.resolve("tool"), "#!/bin/sh\n".getBytes());
        Files.setPosixFilePermissions(modes.resolve("tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(modes.resolve("setuid"), "x".getBytes());
        run("chmod", "4755", modes.resolve("setuid").toString());
        Files.createDirectories(modes.resolve("sticky"));
        run("chmod", "1777", modes.resolve("sticky").toString());
        Path links = Files.createDirectories(root.resolve("links"));
        Files.createSymbolicLink(links.resolve("short"), Path.of("../size-1.bin"));
        Files.createSymbolicLink(links.resolve("long"), Path.of("../" + LONG_NAME)); // past the 60 bytes of a fast link
        Files.createSymbolicLink(links.resolve("absolute"), Path.of("/size-61.bin"));
        Files.createSymbolicLink(links.resolve("dangling"), Path.of("nowhere/at/all"));
        Files.createSymbolicLink(links.resolve("to-dir"), Path.of("../level0/level1"));
        Files.createSymbolicLink(links.resolve("loop"), Path.of("loop"));
        Files.createLink(links.resolve("hard"), root.resolve("size-4097.bin"));
        run("mkfifo", links.resolve("fifo").toString());
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("sparse.img").toFile(), "rw")) {
            f.setLength(SPARSE_SIZE);
            for (long at : new long[] {0, 300L << 20, SPARSE_SIZE - 5000}) {
                f.seek(at);
                byte[] data = new byte[5000];
                new java.util.SplittableRandom(at).nextBytes(data);
                for (int i = 0; i < data.length; i++) data[i] |= 1; // no zero block a tool could leave out
                f.write(data);
            }
        }
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) throw new IOException("failed: " + String.join(" ", cmd));
    }

    /** Every entry below {@code root} by its path relative to it ({@code a/b}), not following links. */
    static TreeMap<String, Path> entries(Path root) throws IOException {
        TreeMap<String, Path> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            all.filter(p -> !p.equals(root)).forEach(p -> out.put(root.relativize(p).toString(), p));
        }
        return out;
    }

    static boolean isLink(Path p) {
        return Files.isSymbolicLink(p);
    }

    static boolean isDir(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }
}
