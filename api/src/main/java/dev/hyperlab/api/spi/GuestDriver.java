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

    /**
     * The class of virtual device this driver drives; constant (the engine reads it once).
     *
     * <p>For {@link DeviceClass#BLOCK} and {@link DeviceClass#NET} the driver replaces the emulated device the OS
     * profile falls back to without one (IDE/AHCI disks, an e1000 NIC; for Windows, no boot disk at all: it stops
     * with INACCESSIBLE_BOOT_DEVICE), and its {@link #effect()} applies. A VM given two drivers of one of these
     * classes uses the first given ({@code vm create --driver A --driver B}); the other does not load. Drivers of the
     * other classes all load, after the block and network drivers, and bring their capabilities
     * ({@link DriverEffect#capabilities()}).
     *
     * @return the device class; never {@code null}
     */
    DeviceClass deviceClass();

    /**
     * What loading the driver costs, as one step of the VM's {@code drivers} phase (named after {@link #id()} in the
     * timeline). Called at every boot of a VM that has the driver, on the engine's schedule: after the kernel, before
     * init. The demand runs on the VM's vCPUs and its boot disk like any step; a {@link Demand#fixed(java.time.Duration)}
     * delay is for work no resource can shorten (a device reset, firmware upload to a NIC).
     *
     * @param guest the VM loading the driver: its name, OS, vCPUs, memory and a random stream of its own
     * @return the work to load the driver; {@link Demand#NONE} for none; never {@code null}
     */
    Demand load(GuestContext guest);

    /**
     * What the driver changes once loaded; constant (the engine reads it once and keeps it).
     *
     * @return the effect; {@link DriverEffect#BASELINE} for a driver as fast as virtio with no capability
     */
    DriverEffect effect();
}
