package dev.hyperlab.api.spi;

import org.apiguardian.api.API;

/**
 * One disk of a {@link PriorBackup}.
 *
 * <p>Example: a strategy keeps data from a prior disk only when {@code prior.virtualSize() == disk.virtualSize()}.
 *
 * @param name the disk's name within its machine
 * @param format the image format it was backed up from
 * @param virtualSize its size in bytes
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record PriorDisk(String name, String format, long virtualSize) {}
