package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * The kind of virtual device a guest driver drives.
 *
 * <pre>{@code
 * public DeviceClass deviceClass() { return DeviceClass.NET; } // the guest's NIC: replaces virtio-net
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public enum DeviceClass {
    /** Block storage (the boot disk among others). */
    BLOCK,
    /** Network interface. */
    NET,
    /** Memory balloon. */
    BALLOON,
    /** Guest agent / tools (quiescing, time sync, clean shutdown). */
    TOOLS,
    /** Anything else (passthrough devices, GPUs, ...). */
    OTHER;

    /** The class's name as users and the timeline write it: {@code block}, {@code net}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
