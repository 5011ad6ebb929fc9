package dev.hyperlab.plugins.secureboot;

import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.api.spi.BootLayout;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.LoaderSignature;
import dev.hyperlab.api.spi.MachineContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * UEFI with Secure Boot enabled (OVMF built with {@code SECURE_BOOT_ENABLE} in a VM, a server's UEFI on a host):
 * the boot manager finds {@code \EFI\BOOT\BOOTX64.EFI} on each disk's EFI system partition as UEFI does, and starts
 * it only if its signature verifies against a key in {@code db} ({@link SignatureDatabase}: the hyperlab lab CA, which
 * signs the loaders of the lab's OS profiles, and the keys enrolled in this machine); an unsigned or tampered
 * loader is refused and the next boot option is tried, as UEFI's image verification does. With nothing left to boot,
 * the firmware stops with "Secure Boot Violation".
 *
 * <p>Timings are those of plain UEFI, from the same public sources (docs/calibration.md): verifying a loader costs
 * reading it, and its RSA check is microseconds of CPU, which the model leaves out.
 */
@Extension
public final class SecureBootFirmware implements FirmwareModel {
    /** The removable-media loader path (UEFI specification, "Removable Media Boot Behavior"). */
    public static final String LOADER = "\\EFI\\BOOT\\BOOTX64.EFI";

    // calibration: vm.fw.ovmf_s
    static final double OVMF_S = 0.95;
    // calibration: host.post.base_s
    static final double HOST_POST_BASE_S = 6;
    // calibration: host.post.mem_s_per_gib
    static final double HOST_POST_MEMORY_S_PER_GIB = 0.75;
    // calibration: host.post.optrom_nic_prompt_s
    static final double HOST_POST_NIC_OPTION_ROM_S = 2;
    // calibration: host.bootdev.ipxe_dhcp_timeouts_s
    static final double IPXE_DHCP_TIMEOUT_S = 1 + 2 + 4 + 8;
    // calibration: host.bootdev.pxe_spec_dhcp_timeouts_s
    static final double PXE_DHCP_TIMEOUT_S = 4 + 8 + 16 + 32;

    private final SignatureDatabase db;

    /** With the db this plugin ships (what PF4J calls). */
    public SecureBootFirmware() {
        this(SignatureDatabase.shipped());
    }

    /** With another db, e.g. a test's own key. */
    public SecureBootFirmware(SignatureDatabase db) {
        this.db = db;
    }

    @Override
    public String id() {
        return "secureboot";
    }

    @Override
    public String description() {
        return "UEFI with Secure Boot: boots \\EFI\\BOOT\\BOOTX64.EFI only if signed by a key in db (plugin)";
    }

    @Override
    public BootLayout bootLayout() {
        return BootLayout.GPT_ESP;
    }

    @Override
    public List<BootStep> post(MachineContext m) {
        if (m.virtual()) {
            return List.of(new BootStep("firmware", "ovmf-secboot-init", Demand.fixed(seconds(OVMF_S))));
        }
        double gib = m.memoryBytes() / (double) (1L << 30);
        List<BootStep> steps = new ArrayList<>();
        steps.add(new BootStep("post", "platform-init", Demand.fixed(seconds(HOST_POST_BASE_S))));
        steps.add(new BootStep("post", "memory-training", Demand.fixed(seconds(HOST_POST_MEMORY_S_PER_GIB * gib))));
        if (m.nics() > 0) {
            steps.add(new BootStep("post", "option-roms", Demand.fixed(seconds(HOST_POST_NIC_OPTION_ROM_S * m.nics()))));
        }
        return steps;
    }

    @Override
    public BootOutcome searchBoot(BootSearch search) {
        List<BootStep> steps = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (BootDevice d : search.devices()) {
            if (d.kind() == BootDevice.Kind.NET) {
                if (d.bootServerAnswers()) {
                    steps.add(new BootStep("boot-search", "pxe " + d.name(), Demand.NONE));
                    // a network boot program is verified like any other image; the lab's PXE servers serve none
                    refused.add(d.name() + " (network boot program)");
                    continue;
                }
                double timeout = search.machine().virtual() ? IPXE_DHCP_TIMEOUT_S : PXE_DHCP_TIMEOUT_S;
                steps.add(new BootStep("boot-search", "pxe " + d.name() + " (no DHCP offer)",
                        Demand.NONE.plusNetwork(seconds(timeout))));
                continue;
            }
            // GPT header, partition entries and the FAT walk of the ESP, as plain UEFI reads them
            steps.add(new BootStep("boot-search", "read-esp " + d.name(), Demand.NONE.plusRead(64 << 10, 8)));
            Optional<byte[]> loader = d.efiFile(LOADER);
            if (loader.isEmpty()) {
                continue;
            }
            byte[] image = loader.get();
            steps.add(new BootStep("boot-search", "verify " + d.name(), Demand.NONE.plusRead(image.length, 1)));
            if (db.allows(image, search.machine().enrolledKeys())) {
                return BootOutcome.found(d.name(), LOADER, steps);
            }
            refused.add(d.name() + (LoaderSignature.parse(image).isPresent() ? " (signature not in db)"
                    : " (unsigned)"));
        }
        if (refused.isEmpty()) {
            return BootOutcome.notFound("No bootable device (BdsDxe: no bootable option or device was found)", steps);
        }
        return BootOutcome.notFound("Secure Boot Violation: " + LOADER + " refused on " + String.join(", ", refused)
                + " (BdsDxe: Access Denied)", steps);
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
