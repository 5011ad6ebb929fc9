package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.storage.SparseFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The disk space a lab takes: every file in its directory and every image it uses outside it ({@code disk create}
 * files, attached images), by the blocks allocated to them (what {@code du} counts: sparse files' holes and thin
 * images take none) and by their apparent sizes, which for a lab of thin overlays and sparse host disks are far
 * larger. A {@code lab info} on a lab of 1,000 VMs counts a thousand files: one directory walk that keeps their
 * attributes and one {@code statx} each.
 *
 * @param allocated bytes of the blocks allocated to the files
 * @param apparent the files' sizes added up
 */
public record DiskUsage(long allocated, long apparent) {

    public static DiskUsage of(Path dir, Collection<String> images) {
        // one walk that keeps each file's attributes (Files.walk would drop them and need a stat per file again)
        Map<Path, Long> sizes = new TreeMap<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) sizes.put(file, attrs.size());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (file.equals(dir)) throw e;
                    return FileVisitResult.CONTINUE; // removed while counting (a temporary file): it takes no space
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read lab directory " + dir + ": " + e.getMessage(),
                    "check its permissions", e);
        }
        Path root = dir.toAbsolutePath().normalize();
        for (String image : images) {
            Path p = root.resolve(image).normalize();
            if (!p.startsWith(root)) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) sizes.putIfAbsent(p, a.size());
                } catch (IOException e) {
                    // gone: it takes no space
                }
            }
        }
        long allocated = 0;
        long apparent = 0;
        for (Map.Entry<Path, Long> f : sizes.entrySet()) {
            try {
                allocated += SparseFiles.allocatedBytes(f.getKey());
                apparent += f.getValue();
            } catch (IOException e) {
                // removed while counting (a temporary file): it takes no space any more
            }
        }
        return new DiskUsage(allocated, apparent);
    }
}
