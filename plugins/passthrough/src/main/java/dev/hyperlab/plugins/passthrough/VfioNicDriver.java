package dev.hyperlab.plugins.passthrough;

import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import java.time.Duration;
import java.util.Set;

/**
 * A physical NIC (or an SR-IOV virtual function) assigned to the VM with VFIO, driven by the guest's native driver.
 *
 * <p>Boot time: device DMA goes straight to guest memory, so the host must pin all of it and map it in the IOMMU
 * before the device may run; the time grows with the guest's memory, as measured in the kernel's VFIO batching
 * work (docs/calibration.md {@code drv.vfio.pin_*}). QEMU pins when it sets up the device, just before the guest
 * runs; the model charges it where the spi lets a driver charge time, in the {@code drivers} phase, which moves it
 * within the boot but not its length.
 *
 * <p>I/O: throughput as the paravirtual NIC's (VMware's measurements find a paravirtual NIC matching DirectPath I/O
 * "in most cases"), CPU per I/O lower (the same study: 15 % more web users per % CPU). No balloon: pinned memory
 * cannot be given back.
 *
 * <p>Registered through {@code META-INF/services/dev.hyperlab.api.spi.GuestDriver} rather than PF4J's
 * {@code @Extension}: hyperlab finds extensions both ways, and this way a plugin compiles against the api jar alone.
 */
public final class VfioNicDriver implements GuestDriver {
    // calibration: drv.vfio.pin_base_s
    static final double PIN_BASE_S = 0.365;
    // calibration: drv.vfio.pin_s_per_gib
    static final double PIN_S_PER_GIB = 0.2444;
    // calibration: drv.vfio.net_throughput_vs_paravirtual
    static final double THROUGHPUT = 1.0;
    // calibration: drv.vfio.net_cpu_per_io_vs_paravirtual
    static final double CPU_PER_IO = 1 / 1.15;

    @Override
    public String id() {
        return "vfio-net";
    }

    @Override
    public String description() {
        return "NIC assigned with VFIO passthrough: native driver, guest memory pinned at start (plugin)";
    }

    @Override
    public DeviceClass deviceClass() {
        return DeviceClass.NET;
    }

    @Override
    public Demand load(GuestContext guest) {
        double gib = guest.memoryBytes() / (double) (1L << 30);
        return Demand.fixed(Duration.ofNanos(Math.round((PIN_BASE_S + PIN_S_PER_GIB * gib) * 1e9)));
    }

    @Override
    public DriverEffect effect() {
        return new DriverEffect(THROUGHPUT, CPU_PER_IO, Set.of());
    }
}
