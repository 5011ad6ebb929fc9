package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * What {@code disk create} asks for: a new image file, blank, a thin overlay on a backing file, or bootable with an
 * OS profile's boot layout and OS files.
 *
 * <pre>{@code
 * lab.createDisk(DiskSpec.of("/var/lib/lab/data.qcow2", Sizes.parse("20GiB")));
 * lab.createDisk(DiskSpec.of("web.qcow2", 0).withBacking("base.qcow2"));        // size of the backing file
 * lab.createDisk(DiskSpec.of("win.qcow2", Sizes.parse("40GiB")).withOs("windows-server"));
 * }</pre>
 *
 * @param path the new file: absolute, or relative to the working directory (as {@code qemu-img} resolves it); it
 *     must not exist
 * @param sizeBytes virtual size in bytes, a whole number of 512-byte sectors; 0 takes the backing file's size
 * @param format {@code qcow2} (the default when empty) or {@code raw}
 * @param backing the backing file of a copy-on-write overlay (qcow2 only), or empty
 * @param os an OS profile whose boot layout and OS files the disk gets ({@code vm create --disk PATH} then boots
 *     it), or empty for a blank disk
 * @param firmware with {@code os}: the firmware the boot layout is for ({@code bios}: MBR, {@code uefi}: GPT and an
 *     EFI system partition, {@code direct}: a root file system), or empty for the profile's default
 */
@API(status = STABLE, since = "0.1")
public record DiskSpec(@HostPath String path, long sizeBytes, String format, @HostPath String backing, String os,
        String firmware) {

    public DiskSpec {
        if (path == null || path.isBlank()) {
            throw LabException.invalid("a disk needs a path", "give the file to create, e.g. data.qcow2");
        }
        format = format == null ? "" : format;
        backing = backing == null ? "" : backing;
        os = os == null ? "" : os;
        firmware = firmware == null ? "" : firmware;
    }

    public static DiskSpec of(String path, long sizeBytes) {
        return new DiskSpec(path, sizeBytes, "", "", "", "");
    }

    public DiskSpec withFormat(String f) {
        return new DiskSpec(path, sizeBytes, f, backing, os, firmware);
    }

    public DiskSpec withBacking(String file) {
        return new DiskSpec(path, sizeBytes, format, file, os, firmware);
    }

    public DiskSpec withOs(String profile) {
        return new DiskSpec(path, sizeBytes, format, backing, profile, firmware);
    }

    public DiskSpec withFirmware(String id) {
        return new DiskSpec(path, sizeBytes, format, backing, os, id);
    }
}
