package dev.hyperlab.core.engine.machine;

/**
 * A disk of a VM.
 *
 * @param device {@code disk0}, {@code disk1}, ...
 * @param path the image (a file path, or a {@code mem:} name in an in-memory lab)
 * @param virtualSize size of the virtual disk
 * @param owned true when hyperlab made the image for this VM (deleted with it); false for an attached file
 */
public record VmDisk(String device, String path, long virtualSize, boolean owned) {}
