package dev.hyperlab.api.spi;

import org.apiguardian.api.API;

/**
 * One disk of a {@link PriorBackup}.
 *
 * <pre>{@code
 * // keep data from a prior disk only when the disk has not been resized since
 * boolean sameSize = prior.disk(disk.name()).map(p -> p.virtualSize() == disk.virtualSize()).orElse(false);
 * }</pre>
 *
 * @param name the disk's name within its machine
 * @param format the image format it was backed up from
 * @param virtualSize its size in bytes
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record PriorDisk(String name, String format, long virtualSize) {}
