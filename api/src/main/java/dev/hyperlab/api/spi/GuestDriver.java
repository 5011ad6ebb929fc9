package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A driver inside the guest OS for one class of virtual device. While a VM boots, each driver present in the guest
 * loads in the {@code drivers} phase ({@link #load}); afterwards its {@link #effect()} shapes the VM's I/O and what
 * the hypervisor can do with it. A device without a driver falls back to emulated hardware, or stops the boot, as
 * the OS profile says.
 *
 * <pre>{@code
 * public final class PvscsiDriver implements GuestDriver {
 *     public String id() { return "pvscsi"; }
 *     public String description() { return "VMware paravirtual SCSI"; }
 *     public DeviceClass deviceClass() { return DeviceClass.BLOCK; }
 *     public Demand load(GuestContext g) { return Demand.fixed(Duration.ofMillis(30)); }
 *     public DriverEffect effect() { return new DriverEffect(1.1, 0.9, Set.of()); }
 * }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface GuestDriver extends Extension {

    /** The device class it drives; constant (the engine reads it once). */
    DeviceClass deviceClass();

    /** What loading the driver costs during boot. */
    Demand load(GuestContext guest);

    /** What the driver changes once loaded; constant (the engine reads it once and keeps it). */
    DriverEffect effect();
}
