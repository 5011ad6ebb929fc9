package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The result of a firmware model's boot-device search: what it found (or the message it stops with), and the steps
 * the search itself took (probing disks, waiting for PXE), which the timeline shows either way.
 *
 * <pre>{@code
 * return BootOutcome.notFound("No bootable device.", steps);
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public sealed interface BootOutcome {
    /** Steps the search took, in order. */
    List<BootStep> steps();

    /**
     * The firmware hands control to a boot loader found on a device.
     *
     * @param device name of the device booted from
     * @param loader what was loaded, e.g. {@code MBR boot code} or {@code \EFI\BOOT\BOOTX64.EFI}
     * @param steps search steps
     */
    @API(status = STABLE, since = "0.1")
    record Found(String device, String loader, List<BootStep> steps) implements BootOutcome {
        public Found {
            Objects.requireNonNull(device);
            Objects.requireNonNull(loader);
            steps = List.copyOf(steps);
        }
    }

    /**
     * The firmware found nothing it may boot and stops with a message on the console.
     *
     * @param message what the firmware prints, e.g. SeaBIOS's {@code No bootable device.}
     * @param steps search steps
     */
    @API(status = STABLE, since = "0.1")
    record NotFound(String message, List<BootStep> steps) implements BootOutcome {
        public NotFound {
            Objects.requireNonNull(message);
            steps = List.copyOf(steps);
        }
    }

    static BootOutcome found(String device, String loader, List<BootStep> steps) {
        return new Found(device, loader, steps);
    }

    static BootOutcome notFound(String message, List<BootStep> steps) {
        return new NotFound(message, steps);
    }
}
