package dev.hyperlab.core.storage.layout;

/**
 * What to lay down on a disk so a firmware model finds something to boot; an OS profile supplies the parameters.
 */
public sealed interface BootLayoutSpec {
    /**
     * A BIOS (MBR) disk: boot code in the first sector, an active partition, and a second stage in the gap before the
     * partition, as GRUB installs itself.
     *
     * @param bootCode at most 440 bytes of first-stage code; empty for hyperlab's stub (cli, set up a stack, halt)
     * @param stage2 loader bytes placed from sector 1 (at most 1 MiB minus 512 bytes)
     * @param partitionType MBR partition type of the root partition (0x83 Linux, 0x07 NTFS)
     * @param diskSignature the 32-bit MBR disk signature
     */
    record Bios(byte[] bootCode, byte[] stage2, int partitionType, int diskSignature) implements BootLayoutSpec {}

    /**
     * A UEFI (GPT) disk: protective MBR, primary and backup GPT, an EFI System Partition with a FAT16 file system
     * holding {@code \EFI\BOOT\BOOTX64.EFI}, and a root partition filling the rest.
     *
     * @param bootloader the bytes of BOOTX64.EFI
     * @param espSize size of the EFI System Partition in bytes (16 MiB to 2 GiB)
     * @param guidSeed seed for the disk and partition GUIDs and the volume id, so the layout is reproducible
     */
    record Uefi(byte[] bootloader, long espSize, long guidSeed) implements BootLayoutSpec {}

    /**
     * One GPT disk that both firmware kinds boot: a protective MBR carrying boot code that starts the GPT partition
     * marked legacy-BIOS-bootable (syslinux's gptmbr.bin does), an EFI system partition with that mark, and a Linux
     * partition filling the rest. The caller fills the EFI system partition (a boot loader for each firmware).
     *
     * @param mbrBootCode at most 440 bytes of boot code for the protective MBR
     * @param espSize size of the EFI System Partition in bytes (16 MiB to 2 GiB)
     * @param dataName the GPT name of the second partition
     * @param guidSeed seed for the disk and partition GUIDs, so the layout is reproducible
     */
    record Hybrid(byte[] mbrBootCode, long espSize, String dataName, long guidSeed) implements BootLayoutSpec {}
}
