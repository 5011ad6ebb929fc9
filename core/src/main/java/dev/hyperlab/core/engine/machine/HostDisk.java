package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.lab.DiskKind;

/**
 * A physical disk of a host.
 *
 * @param device {@code disk0}, {@code disk1}, ...
 * @param kind technology
 * @param size capacity in bytes
 */
public record HostDisk(String device, DiskKind kind, long size) {}
