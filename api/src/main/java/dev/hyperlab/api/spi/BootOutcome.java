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
     * @param device name of the device booted from, one of {@link BootSearch#devices()} ({@code disk0})
     * @param loader which boot loader on that device the firmware runs, which says which bytes the engine reads to
     *     learn what boots: a path starting with a backslash is an EFI application read from the device's EFI system
     *     partition ({@code \EFI\BOOT\BOOTX64.EFI}, {@link BootDevice#efiFile(String)}); a name starting with
     *     {@code kernel} is a kernel loaded directly (its first 4 KiB); anything else ({@code MBR boot code}) is the
     *     MBR's boot code and the first sector of its stage 2. The loader's bytes identify the OS that boots; a
     *     loader that cannot be read or identifies none fails the boot in its {@code bootloader} step.
     * @param steps search steps
     */
    @API(status = STABLE, since = "0.1")
    record Found(String device, String loader, List<BootStep> steps) implements BootOutcome {
        /** Checks that the device and loader are given and copies the steps. */
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
        /** Checks that the message is given and copies the steps. */
        public NotFound {
            Objects.requireNonNull(message);
            steps = List.copyOf(steps);
        }
    }

    /**
     * The firmware boots {@code loader} from {@code device}: a {@link Found}.
     *
     * @param device the device's name, as {@link BootDevice#name()} gives it
     * @param loader the boot loader on it: {@link Found}'s {@code loader} says which names the engine reads how
     * @param steps the steps the search took, in order
     * @return the outcome
     */
    static BootOutcome found(String device, String loader, List<BootStep> steps) {
        return new Found(device, loader, steps);
    }

    /**
     * The firmware stops with {@code message}: a {@link NotFound}; the machine fails to boot with it as its reason.
     *
     * @param message what the firmware prints
     * @param steps the steps the search took, in order
     * @return the outcome
     */
    static BootOutcome notFound(String message, List<BootStep> steps) {
        return new NotFound(message, steps);
    }
}
