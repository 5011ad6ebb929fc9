package dev.hyperlab.core.backup;

/**
 * One disk of a backup.
 *
 * @param name the disk's name within its machine ({@code vda})
 * @param format the image format it was backed up from ({@code qcow2}, {@code raw})
 * @param virtualSize its size in bytes
 * @param dataBytes bytes of it the backup holds data for (the rest restores as holes)
 * @param pieces stored runs the backup's map lists for it
 */
public record BackupDisk(String name, String format, long virtualSize, long dataBytes, long pieces) {}
