package dev.hyperlab.core.storage;

import java.io.IOException;

/**
 * A disk image that hyperlab refuses: damaged, hostile, or using a feature hyperlab does not implement. The message
 * is one line that names the file and what is wrong with it, fit for {@code error: WHAT (HINT)}.
 *
 * <p>It is an {@link IOException} so that every {@link DiskImage} method can raise it, and a distinct type so callers
 * can tell a bad image from a failing disk.
 */
public class ImageException extends IOException {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
