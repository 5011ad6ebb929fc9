package dev.hyperlab.core.calibration;

/**
 * What a guest OS does when a paravirtual device has no driver: run on emulated hardware at reduced efficiency, or
 * stop the boot with the OS's own message.
 *
 * @param fails true when the boot stops
 * @param message what the guest shows when it stops (e.g. Windows' INACCESSIBLE_BOOT_DEVICE)
 * @param efficiency throughput of the emulated device relative to the paravirtual one when it does not stop
 */
public record DriverFallback(boolean fails, String message, double efficiency) {
    public static DriverFallback emulated(double efficiency) {
        return new DriverFallback(false, "", efficiency);
    }

    public static DriverFallback stop(String message) {
        return new DriverFallback(true, message, 0);
    }
}
