package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@code host create} asks for. Unset optional fields take the engine's documented defaults (see
 * docs/calibration.md): firmware {@code uefi}, one NVMe disk, boot order {@code disk,net}.
 *
 * <pre>{@code
 * Host h = lab.createHost(HostSpec.of("esx1", 32, Sizes.parse("256GiB")).withFirmware("bios"));
 * }</pre>
 *
 * @param name unique host name: letters, digits, '-', '_' and '.', starting with a letter or digit
 * @param cores physical cores
 * @param ramBytes installed memory
 * @param cpuGhz core clock in GHz, or 0 for the default
 * @param firmware firmware model id ({@code bios}, {@code uefi} or a plugin's), or empty for the default
 * @param disks physical disks in order; empty for the default
 * @param bootOrder boot devices in order ({@code disk}, {@code net}); empty for the default
 */
@API(status = STABLE, since = "0.1")
public record HostSpec(
        String name, int cores, long ramBytes, double cpuGhz, String firmware, List<HostDiskSpec> disks,
        List<String> bootOrder) {

    public HostSpec {
        Names.check("host", name);
        firmware = firmware == null ? "" : firmware;
        disks = disks == null ? List.of() : List.copyOf(disks);
        bootOrder = bootOrder == null ? List.of() : List.copyOf(bootOrder);
    }

    public static HostSpec of(String name, int cores, long ramBytes) {
        return new HostSpec(name, cores, ramBytes, 0, "", List.of(), List.of());
    }

    public HostSpec withCpuGhz(double ghz) {
        return new HostSpec(name, cores, ramBytes, ghz, firmware, disks, bootOrder);
    }

    public HostSpec withFirmware(String id) {
        return new HostSpec(name, cores, ramBytes, cpuGhz, id, disks, bootOrder);
    }

    public HostSpec withDisks(List<HostDiskSpec> list) {
        return new HostSpec(name, cores, ramBytes, cpuGhz, firmware, list, bootOrder);
    }

    public HostSpec withBootOrder(List<String> order) {
        return new HostSpec(name, cores, ramBytes, cpuGhz, firmware, disks, order);
    }
}
