package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.DiskCheck;
import dev.hyperlab.api.lab.DiskInfo;
import dev.hyperlab.api.lab.DiskRepair;
import dev.hyperlab.api.lab.DiskSpec;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.SignedLoader;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.spi.LoaderSignature;
import dev.hyperlab.core.firmware.SigningKeys;
import dev.hyperlab.core.storage.layout.BootDiskLayout;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import java.security.PrivateKey;
import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.calibration.OsProfiles;
import dev.hyperlab.core.storage.CheckReport;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.ImageInfo;
import dev.hyperlab.core.storage.MemoryImage;
import dev.hyperlab.core.storage.RepairReport;
import dev.hyperlab.core.storage.fs.FileSystems;
import dev.hyperlab.core.storage.fs.FsException;
import dev.hyperlab.core.storage.qcow2.BitmapInfo;
import dev.hyperlab.core.storage.qcow2.Qcow2Snapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import dev.hyperlab.core.engine.image.BootableDisks;
import dev.hyperlab.core.engine.image.DiskFiles;
import dev.hyperlab.core.engine.image.DiskOrigin;
import dev.hyperlab.core.engine.image.DiskRequest;
import dev.hyperlab.core.engine.image.ImageStore;
import dev.hyperlab.core.engine.machine.HostDisk;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.VmDisk;
import dev.hyperlab.core.engine.machine.VmMachine;

/**
 * The lab's disk images as {@code disk create/info/check/list/convert} see them: any image file can be read, the lab
 * knows its VMs' disks, the base images their overlays share, its hosts' disks and the images it made on request
 * (remembered here and saved with the lab). Every request is validated before anything is written; images are read
 * through the lab's own handle when it has one open, so a VM disk is seen as the guest has written it.
 *
 * <p>Paths are absolute everywhere here: a path given relative resolves against the working directory, as
 * {@code qemu-img} resolves it.
 */
public final class LabDisks {
    /** Largest image {@code disk create} makes, as for a VM's blank disks. */
    static final long MAX_SIZE = 64 * Sizes.TiB;
    /** Smallest image {@code disk create} makes, as for a VM's blank disks. */
    static final long MIN_SIZE = Sizes.MiB;
    private static final long SECTOR = 512;

    private final LabModel lab;
    /** Images made by {@code disk create} / {@code disk convert}, by absolute path. */
    final TreeMap<String, DiskOrigin> made = new TreeMap<>();

    LabDisks(LabModel lab) {
        this.lab = lab;
    }

    /** What the lab knows of an image: why it has it and which VM disks read it. */
    private static final class Known {
        String role;
        final TreeSet<String> usedBy = new TreeSet<>();

        Known(String role) {
            this.role = role;
        }
    }

    /**
     * Every image the lab knows, by absolute path, with the VM disks that read each base image and the host each
     * physical disk belongs to.
     */
    private TreeMap<String, Known> known() {
        return known(true, true);
    }

    /**
     * {@link #known()}; without {@code baseUsers}, the bases' users are left out: finding them opens every VM disk to
     * read its backing chain, which listing the paths does not need, since every base is one of
     * {@link ImageStore#baseImages()}. Without {@code hostDisks}, the hosts' disks are left out: whether one exists
     * yet is a {@code stat} of its file.
     */
    private TreeMap<String, Known> known(boolean baseUsers, boolean hostDisks) {
        ImageStore images = lab.images();
        TreeMap<String, Known> out = new TreeMap<>();
        for (String base : images.baseImages()) {
            out.put(images.displayPath(base), new Known("base"));
        }
        for (VmMachine v : lab.vms.values()) {
            for (VmDisk d : v.disks) {
                String use = v.name + ":" + d.device();
                out.computeIfAbsent(images.displayPath(d.path()), p -> new Known(d.owned() ? "vm-disk" : "attached"))
                        .usedBy.add(use);
                if (baseUsers && d.owned()) {
                    images.baseOf(d.path()).ifPresent(base ->
                            out.computeIfAbsent(images.displayPath(base), p -> new Known("base")).usedBy.add(use));
                }
            }
        }
        for (DiskOrigin o : made.values()) {
            out.computeIfAbsent(o.path(), p -> new Known(o.how())).role = o.how();
        }
        for (HostMachine h : hostDisks ? lab.hosts.values() : List.<HostMachine>of()) {
            // a disk the host never needed (never installed, booted or restored) is not made yet, and stays so
            for (HostDisk d : h.disks()) {
                images.hostDiskPath(h.name, d.device()).ifPresent(p ->
                        out.computeIfAbsent(images.displayPath(p), x -> new Known("host-disk")).usedBy.add(
                                h.name + ":" + d.device()));
            }
        }
        return out;
    }

    /** The absolute paths of every image the lab knows, sorted. */
    public List<String> paths() {
        return List.copyOf(known(false, true).keySet());
    }

    /**
     * {@link #paths()} but the hosts' disks: what {@code lab info} counts besides its walk of the lab directory, which
     * holds every host's disk and counts it, so listing them (a {@code stat} each) would be work for nothing.
     */
    public List<String> pathsBesideHostDisks() {
        return List.copyOf(known(false, false).keySet());
    }

    /** {@code text} as the absolute path of an existing image; throws when there is none or it is not an image. */
    public String require(String text) {
        String path = DiskFiles.absolute(text);
        lab.images().inspect(path, img -> null);
        return path;
    }

    // ---- reading ---------------------------------------------------------------------------------------------------

    /** What {@code disk info} shows of the image at {@code path} (absolute). */
    public DiskInfo info(String path) {
        Known k = known().get(path);
        String role = k == null ? "none" : k.role;
        List<String> usedBy = k == null ? List.of() : List.copyOf(k.usedBy);
        return lab.images().inspect(path, img -> img instanceof MemoryImage
                ? memoryInfo(path, img, role, usedBy)
                : fileInfo(path, DiskImages.info(img), role, usedBy));
    }

    private static DiskInfo fileInfo(String path, ImageInfo i, String role, List<String> usedBy) {
        List<DiskInfo.BackingImage> chain = new ArrayList<>();
        for (ImageInfo b : i.backingChain()) {
            chain.add(new DiskInfo.BackingImage(b.filename(), b.format().qemuName(), b.virtualSize()));
        }
        List<DiskInfo.SnapshotEntry> snapshots = new ArrayList<>();
        for (Qcow2Snapshot s : i.snapshots()) {
            snapshots.add(new DiskInfo.SnapshotEntry(s.id(), s.name(), s.vmStateSize(), s.diskSize(),
                    Duration.ofSeconds(s.dateSec(), s.dateNsec()), Duration.ofNanos(s.vmClockNsec())));
        }
        List<DiskInfo.BitmapEntry> bitmaps = new ArrayList<>();
        for (BitmapInfo b : i.qcow2().map(ImageInfo.Qcow2Specific::bitmaps).orElse(List.of())) {
            bitmaps.add(new DiskInfo.BitmapEntry(b.name(), b.granularity(), b.enabled(), b.inUse()));
        }
        return new DiskInfo(path, i.format().qemuName(), i.virtualSize(), i.actualSize(), i.clusterSize().orElse(0),
                i.backingFilename().orElse(""), i.backingFormat().orElse(""), chain, snapshots, bitmaps, i.dirtyFlag(),
                i.qcow2().map(ImageInfo.Qcow2Specific::corrupt).orElse(false), role, usedBy);
    }

    /** An image of a lab in memory: what it holds, in the format it was made in. */
    private DiskInfo memoryInfo(String path, DiskImage img, String role, List<String> usedBy) throws IOException {
        long allocated = 0;
        for (Extent e : img.map(0, img.virtualSize())) {
            allocated += e.data() && e.depth() == 0 ? e.length() : 0;
        }
        return new DiskInfo(path, lab.images().format(path), img.virtualSize(), allocated, 0, "", "", List.of(),
                List.of(), List.of(), false, false, role, usedBy);
    }

    /** What {@code disk check} finds in the image at {@code path} (absolute); changes nothing. */
    public DiskCheck check(String path) {
        return lab.images().inspect(path, img -> {
            CheckReport r = DiskImages.check(img);
            return diskCheck(path, img instanceof MemoryImage ? lab.images().format(path) : r.format().qemuName(), r);
        });
    }

    private static DiskCheck diskCheck(String path, String format, CheckReport r) {
        return new DiskCheck(path, format, r.corruptions() > 0 || r.checkErrors() > 0, r.corruptions(), r.leaks(),
                r.checkErrors(), r.problems(), r.allocatedClusters(), r.totalClusters(), r.imageEndOffset());
    }

    /**
     * Runs {@code use} on the file system of partition {@code partition} (0: the first that holds one) of the image at
     * {@code path} ({@code disk ls/cat/get}); changes nothing. A missing path or partition, a file system hyperlab does
     * not read and a damaged one are refused with a one-line {@link LabException}.
     */
    public <T> T readFiles(String path, int partition, FileSystems.Use<T> use) {
        if (partition < 0) {
            throw LabException.invalid("partition " + partition + " is negative", "partitions count from 1; 0 or "
                    + "none picks the first that holds a file system");
        }
        return lab.images().inspect(require(path), img -> {
            try {
                return use.apply(FileSystems.open(img, partition));
            } catch (FsException e) {
                throw FileSystemErrors.of(e);
            }
        });
    }

    // ---- repairing -------------------------------------------------------------------------------------------------

    /**
     * Repairs the image at {@code text} as {@code qemu-img check -r all} does (see {@link Lab#repairDisk}). A base image
     * that VM overlays read is refused: rewriting it would change what they see.
     */
    public DiskRepair repair(String text) {
        String path = require(text);
        Known k = known().get(path);
        if (k != null && k.role.equals("base") && !k.usedBy.isEmpty()) {
            throw LabException.conflict(path + " is a base image that VM overlays read ("
                    + String.join(", ", k.usedBy) + ")", "repair a copy instead: disk convert " + path + " COPY, then "
                    + "disk repair COPY");
        }
        RepairReport r = lab.images().repair(path);
        String format = r.before().format().qemuName();
        return new DiskRepair(path, diskCheck(path, format, r.before()), diskCheck(path, format, r.after()),
                r.rebuiltRefcounts());
    }

    /**
     * Signs the EFI loader of image {@code text}'s EFI system partition in place with {@code key}, whose public half
     * {@code cert} is; checks everything before writing, so a refusal leaves the image as it was.
     */
    public SignedLoader signLoader(String text, PrivateKey key, SigningKeys.PublicHalf cert) {
        String path = require(text);
        Known k = known().get(path);
        if (k != null && k.role.equals("base") && !k.usedBy.isEmpty()) {
            throw LabException.conflict(path + " is a base image that VM overlays read ("
                    + String.join(", ", k.usedBy) + ")", "sign the VM's own disk, or a copy: disk convert " + path
                    + " COPY, then disk sign COPY");
        }
        DiskImage img = lab.images().open(path);
        String loaderPath = BootDiskProbe.UEFI_FALLBACK_LOADER;
        try {
            BootDiskProbe.Report r = BootDiskProbe.probe(img);
            if (r.esp().isEmpty()) {
                throw LabException.invalid(path + " has no EFI system partition", "disk sign signs the loader of a GPT "
                        + "disk's ESP, as a disk made from an OS profile for UEFI firmware has");
            }
            byte[] loader = r.uefiLoader().orElseThrow(() -> LabException.invalid(path + "'s EFI system partition "
                    + "holds no " + loaderPath, "disk ls " + path + " " + "/EFI shows what it holds"));
            byte[] signed = LoaderSignature.sign(loader, key, cert.key());
            BootDiskLayout.replaceEfiLoader(img, signed);
            return new SignedLoader(path, loaderPath, cert.keyId(), cert.subject(), signed.length);
        } catch (IllegalArgumentException e) {
            throw LabException.invalid("cannot sign with " + cert.subject() + ": " + e.getMessage(),
                    "use an RSA key of 2048 bits or more");
        } catch (IOException e) {
            throw LabException.invalid("cannot sign the loader of " + path + ": " + e.getMessage(),
                    "disk check " + path + " tells whether the image is damaged");
        }
    }

    // ---- making images ---------------------------------------------------------------------------------------------

    /** Creates the image {@code spec} asks for, after checking all of it; returns its absolute path. */
    public String create(DiskSpec spec) {
        String path = DiskFiles.absolute(spec.path());
        ImageFormat format = format(spec.format());
        long size = spec.sizeBytes();
        if (size < 0) {
            throw LabException.invalid("disk size " + size + " is negative", "give a size such as 20GiB");
        }
        Optional<String> backing = spec.backing().isEmpty() ? Optional.empty()
                : Optional.of(DiskFiles.absolute(spec.backing()));
        if (backing.isPresent() && format != ImageFormat.QCOW2) {
            throw LabException.invalid("a raw image cannot have a backing file", "overlays are qcow2: leave out the raw {format}");
        }
        if (backing.isPresent() && !spec.os().isEmpty()) {
            throw LabException.invalid("an OS profile ({os}) and a backing file ({backing}) exclude each other",
                    "an overlay boots whatever its backing file holds");
        }
        if (!spec.firmware().isEmpty() && spec.os().isEmpty()) {
            throw LabException.invalid("a {firmware} goes with an OS profile, {os}",
                    "it says which boot layout the OS gets");
        }
        lab.images().requireNew(path);
        String from = "";
        if (backing.isPresent()) {
            long backingSize = lab.images().inspect(backing.get(), DiskImage::virtualSize);
            from = "backing " + backing.get();
            if (size == 0) {
                size = -1; // as large as the backing file, as qemu-img create -b makes it
            } else {
                checkSize(size);
            }
            if (size > 0 && size < backingSize) {
                throw LabException.invalid("disk size " + Sizes.format(size) + " is smaller than its backing file ("
                        + Sizes.format(backingSize) + ")", "leave out the {size} to take the backing file's size");
            }
        }
        Optional<OsProfile> os = spec.os().isEmpty() ? Optional.empty() : Optional.of(OsProfiles.get(spec.os()));
        if (backing.isEmpty()) {
            if (size == 0 && os.isPresent()) {
                size = os.get().imageSize(); // the profile's own disk, as vm create --os makes it
            }
            if (size == 0) {
                throw LabException.invalid("a new disk needs a size", "e.g. {size} 20GiB, or an OS profile ({os})");
            }
            checkSize(size);
        }
        String firmware = os.map(p -> spec.firmware().isEmpty() ? p.defaultFirmware() : spec.firmware()).orElse("");
        if (os.isPresent()) {
            lab.extensions().firmware(firmware);
            if (os.get().id().equals(OsProfiles.TINY_LINUX) && !firmware.equals("bios") && !firmware.equals("uefi")) {
                throw LabException.invalid("tiny-linux boots through bios or uefi firmware, not " + firmware,
                        "leave out the {firmware}: its one disk boots through either");
            }
            long min = BootableDisks.minimumSize(os.get(), firmware);
            if (size < min) {
                throw LabException.invalid("disk size " + Sizes.format(size) + " is too small for " + os.get().id()
                        + " with firmware " + firmware, "at least " + Sizes.format(min) + "; the profile's own disk is "
                        + Sizes.format(os.get().imageSize()));
            }
            from = "os " + os.get().id() + " (" + firmware + ")";
        }
        lab.images().createDisk(new DiskRequest(path, format, size, backing, os, firmware));
        made.put(path, new DiskOrigin(path, "created", from));
        return path;
    }

    /** Converts the image at {@code source} into a new image {@code target}; returns the target's absolute path. */
    public String convert(String source, String target, String formatName) {
        // one look at the source (it exists, is an image, and its size), not two: each opens, probes and locks it
        String src = DiskFiles.absolute(source);
        long size = lab.images().inspect(src, DiskImage::virtualSize);
        String dst = DiskFiles.absolute(target);
        ImageFormat format = format(formatName);
        lab.images().requireNew(dst);
        if (format == ImageFormat.RAW && size % SECTOR != 0) {
            throw LabException.invalid("cannot convert " + src + " to raw: its virtual size " + size
                    + " B is not a whole number of 512-byte sectors", "a raw image is whole sectors: convert it to qcow2");
        }
        lab.images().convertDisk(src, dst, format);
        made.put(dst, new DiskOrigin(dst, "converted", src));
        return dst;
    }

    private static void checkSize(long size) {
        if (size % SECTOR != 0) {
            throw LabException.invalid("disk size " + size + " B is not a whole number of 512-byte sectors",
                    "round it, e.g. " + Sizes.format((size + SECTOR - 1) / SECTOR * SECTOR).replace(" ", ""));
        }
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw LabException.invalid("disk size " + Sizes.format(size) + " is out of range", "1 MiB to 64 TiB");
        }
    }

    /** {@code qcow2} (also for empty) or {@code raw}. */
    static ImageFormat format(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "", "qcow2" -> ImageFormat.QCOW2;
            case "raw" -> ImageFormat.RAW;
            default -> throw LabException.invalid("unknown image format '" + name + "'", "use qcow2 or raw");
        };
    }

    // ---- VM disks ----------------------------------------------------------------------------------------------------

    /**
     * Refuses to attach {@code path} (absolute) to VM {@code vm} when another VM's disk is that image, or it is a
     * base image the lab's overlays read: two writers corrupt an image, and a written base corrupts its overlays.
     */
    void requireAttachable(String vm, String path) {
        Known k = known().get(lab.images().displayPath(path));
        if (k == null) {
            return;
        }
        if (k.role.equals("host-disk")) {
            throw LabException.conflict(path + " is a physical host's disk: " + String.join(", ", k.usedBy),
                    "a VM and its host writing one disk corrupt it: give VM " + vm + " a copy instead, made with "
                            + "disk convert " + path + " COPY");
        }
        if (!k.usedBy.isEmpty() && !k.role.equals("base")) {
            throw LabException.conflict(path + " is already a disk of " + String.join(", ", k.usedBy),
                    "two VMs writing one image corrupt it: give VM " + vm + " an overlay on it, a new disk with " + path
                            + " as its backing file");
        }
        if (k.role.equals("base")) {
            throw LabException.conflict(path + " is a base image that VM overlays read",
                    "attach an overlay on it instead, a new disk with it as its backing file");
        }
    }
}
