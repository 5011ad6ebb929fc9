package dev.hyperlab.core.storage;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Follows backing files: resolves a stored name as QEMU does (relative to the directory of the image naming it),
 * refuses loops (an image that is, directly or further down, its own backing file), anything but a regular file, and
 * chains deeper than {@link #MAX_DEPTH}. A chain is walked one link at a time in a loop, never by recursion per level,
 * so the deepest chain allowed costs no more stack than a single image. It opens no image: a format opens the links it
 * is given (Qcow2Image), so this class depends on no format and no format loops back through it.
 */
public final class BackingChain {
    /** Deeper chains are refused; each level holds an open file. */
    public static final int MAX_DEPTH = 1024;
    /**
     * L1 and snapshot tables a whole chain may make hyperlab hold in memory. One image stays far below it (QEMU bounds
     * an L1 table to 32 MiB and a snapshot table to 64 MiB); a hostile chain repeating the largest tables does not.
     */
    public static final long MAX_METADATA_BYTES = 256L << 20;

    private BackingChain() {}

    /**
     * The next image down a chain.
     *
     * @param path its real path
     * @param format its format (recorded in the image above, or probed)
     * @param above the real paths of every image above it, top first
     */
    public record Link(Path path, ImageFormat format, List<Path> above) {}

    /** Where the backing file {@code name} of {@code image} is. */
    public static Path resolve(Path image, String name) {
        Path p = Path.of(name);
        if (p.isAbsolute()) return p;
        Path dir = image.toAbsolutePath().getParent();
        return dir == null ? p : dir.resolve(p);
    }

    /**
     * Checks and locates {@code name}, the backing file of {@code image}; opens nothing but, when {@code format} is
     * empty, the file's first bytes (after checking it is a regular file). {@code above} lists the real paths of the
     * images above {@code image} (empty for the top).
     */
    public static Link next(Path image, String name, Optional<ImageFormat> format, List<Path> above) throws IOException {
        Path top;
        try {
            top = image.toRealPath();
        } catch (NoSuchFileException e) {
            top = image.toAbsolutePath().normalize();
        }
        List<Path> chain = new ArrayList<>(above);
        chain.add(top);
        if (chain.size() > MAX_DEPTH) throw new ImageException(image + ": backing chain is deeper than " + MAX_DEPTH);
        Path p = resolve(image, name);
        Path real;
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ImageException(image + ": backing file " + p + " does not exist");
        }
        if (chain.contains(real)) {
            StringBuilder loop = new StringBuilder();
            for (Path c : chain.subList(chain.indexOf(real), chain.size())) loop.append(c.getFileName()).append(" -> ");
            throw new ImageException(image + ": backing chain loops: " + loop + real.getFileName());
        }
        try {
            RegularFiles.require(real);
        } catch (ImageException e) {
            throw new ImageException(image + ": backing file " + e.getMessage());
        }
        return new Link(real, format.isPresent() ? format.get() : ImageFormat.probe(real), chain);
    }
}
