package dev.hyperlab.core.qemu.qmp;

import java.time.Instant;
import java.util.Map;

/**
 * An asynchronous event QEMU sent ({@code SHUTDOWN}, {@code STOP}, {@code RESUME}, {@code POWERDOWN}, ...): its name,
 * its data (empty when it has none) and the time QEMU stamped on it.
 */
public record QmpEvent(String name, Map<String, Object> data, Instant timestamp) {
    public QmpEvent {
        data = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data)); // JSON nulls kept
    }
}
