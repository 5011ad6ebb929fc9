package dev.hyperlab.core.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Only regular files are images. A FIFO named as an image or a backing file would block the reader's open until some
 * writer appears (for ever, in practice), and a device would be read as a disk; so every path is checked with
 * {@code stat} (which follows symbolic links and opens nothing) before it is opened.
 *
 * <p>The check and the open are two steps: whoever can swap files in the image's directory between them could still
 * substitute a FIFO, but could as well substitute the image itself. What this stops is a hostile image or chain that
 * names a FIFO or a device.
 */
public final class RegularFiles {
    private RegularFiles() {}

    /** Throws unless {@code path} is (or links to) a regular file; opens nothing. */
    public static void require(Path path) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new ImageException(path + ": no such image");
        }
        if (!a.isRegularFile()) {
            String kind = a.isDirectory() ? "a directory" : "a FIFO, socket or device";
            throw new ImageException(path + " is not a regular file (" + kind + "), so it cannot be an image");
        }
    }
}
