package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.storage.SparseFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The disk space a lab takes: every file in its directory and every image it uses outside it ({@code disk create}
 * files, attached images), by the bytes that hold data (sparse files' holes and thin images take none) and by their
 * apparent sizes, which for a lab of thin overlays and sparse host disks are far larger.
 *
 * @param allocated bytes that hold data on disk
 * @param apparent the files' sizes added up
 */
public record DiskUsage(long allocated, long apparent) {

    public static DiskUsage of(Path dir, Collection<String> images) {
        Set<Path> files = new LinkedHashSet<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).sorted().forEach(files::add);
        } catch (IOException | UncheckedIOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read lab directory " + dir + ": " + e.getMessage(),
                    "check its permissions", e);
        }
        Path root = dir.toAbsolutePath().normalize();
        for (String image : images) {
            Path p = root.resolve(image).normalize();
            if (!p.startsWith(root) && Files.isRegularFile(p)) {
                files.add(p);
            }
        }
        long allocated = 0;
        long apparent = 0;
        for (Path f : files) {
            try {
                apparent += Files.size(f);
                allocated += SparseFiles.allocatedBytes(f);
            } catch (IOException e) {
                // removed while counting (a temporary file): it takes no space any more
            }
        }
        return new DiskUsage(allocated, apparent);
    }
}
