package dev.hyperlab.core.engine.image;

import dev.hyperlab.core.storage.DiskImage;
import java.io.IOException;

/**
 * A read of an image through {@link ImageStore#inspect}: it gets the image and must not keep it (the store may close
 * it when the query returns).
 *
 * @param <T> what the query returns
 */
@FunctionalInterface
public interface ImageQuery<T> {
    T apply(DiskImage image) throws IOException;
}
