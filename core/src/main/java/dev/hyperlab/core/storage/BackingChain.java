package dev.hyperlab.core.storage;

import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import dev.hyperlab.core.storage.raw.RawImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Opens backing files: resolves a stored name as QEMU does (relative to the directory of the image naming it),
 * refuses loops (an image that is, directly or further down, its own backing file) and bounds the depth.
 */
public final class BackingChain {
    /** Deeper chains are refused; each level holds an open file. */
    public static final int MAX_DEPTH = 1024;

    private BackingChain() {}

    /** Where the backing file {@code name} of {@code image} is. */
    public static Path resolve(Path image, String name) {
        Path p = Path.of(name);
        if (p.isAbsolute()) return p;
        Path dir = image.toAbsolutePath().getParent();
        return dir == null ? p : dir.resolve(p);
    }

    /**
     * Opens {@code name}, the backing file of {@code image}, read-only, with its own chain. {@code above} lists the
     * real paths of the images above {@code image} (empty for the top).
     */
    public static DiskImage openBacking(Path image, String name, Optional<ImageFormat> format, List<Path> above) throws IOException {
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
        ImageFormat f = format.isPresent() ? format.get() : DiskImages.probe(real);
        return switch (f) {
            case QCOW2 -> Qcow2Image.open(real, true, chain);
            case RAW -> {
                if (!Files.isRegularFile(real)) throw new ImageException(image + ": backing file " + real + " is not a regular file");
                yield RawImage.open(real, true);
            }
        };
    }
}
