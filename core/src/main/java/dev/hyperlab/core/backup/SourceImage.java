package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.DiskImage;
import java.util.Objects;
import java.util.Optional;

/**
 * One disk to back up: its name within the machine, the image to read (for a running VM, a temporary snapshot of it),
 * and its changed-block tracker if it has one.
 *
 * @param name the disk's name, for instance {@code vda}; letters, digits, {@code -_.}
 * @param image the image to read; only read, never written
 * @param tracker changed-block tracking for the incremental strategy; restarted after a successful backup
 */
public record SourceImage(String name, DiskImage image, Optional<ChangedBlockTracker> tracker) {

    /** Checks the name and that nothing is null. */
    public SourceImage {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(tracker, "tracker");
        if (!DiskNames.valid(name)) {
            throw new IllegalArgumentException("bad disk name: " + DiskNames.quote(name) + " (" + DiskNames.RULE + ")");
        }
    }

    /** A disk without changed-block tracking. */
    public SourceImage(String name, DiskImage image) {
        this(name, image, Optional.empty());
    }
}
