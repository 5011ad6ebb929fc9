package dev.hyperlab.core.engine.image;

import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.storage.ImageFormat;
import java.util.Optional;

/**
 * A validated {@code disk create}: what {@link ImageStore#createDisk} makes, no questions asked.
 *
 * @param path the new image, absolute
 * @param format its format
 * @param size virtual size in bytes; -1 for the backing file's size
 * @param backing the absolute path of the backing file of an overlay, or empty
 * @param os the profile whose boot layout and OS files the disk gets, or empty
 * @param firmware with {@code os}: the firmware the boot layout is for
 */
public record DiskRequest(String path, ImageFormat format, long size, Optional<String> backing, Optional<OsProfile> os,
        String firmware) {}
