package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * What a firmware model boots from, and so what hyperlab lays down on a new boot disk for a machine that has it (the
 * overlay {@code vm create --os} makes, the disk {@code host install} writes): the firmware reads those real bytes at
 * power-on through {@link BootDevice}.
 *
 * <pre>{@code
 * // a firmware that boots EFI applications from an EFI system partition, as UEFI does
 * public BootLayout bootLayout() { return BootLayout.GPT_ESP; }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public enum BootLayout {
    /** A master boot record with boot code in sector 0 and a stage 2 after it, as BIOS firmware reads it. */
    MBR,
    /**
     * A GPT disk whose EFI system partition (FAT) holds {@code \EFI\BOOT\BOOTX64.EFI}, as UEFI firmware reads it
     * ({@link BootDevice#efiFile(String)}).
     */
    GPT_ESP,
    /** A root file system only: the VMM loads the kernel itself (direct kernel boot, microVMs). */
    ROOT_FS
}
