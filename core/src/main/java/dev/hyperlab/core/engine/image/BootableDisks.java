package dev.hyperlab.core.engine.image;

import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.calibration.OsProfiles;
import dev.hyperlab.core.sim.RandomStreams;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.guest.GuestSources;
import dev.hyperlab.core.storage.guest.TinyLinuxImage;
import dev.hyperlab.core.storage.workload.GuestWorkload;
import dev.hyperlab.core.storage.workload.GuestWrite;
import dev.hyperlab.core.storage.workload.WorkloadKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The one place that makes a disk bootable: the firmware's boot layout ({@link BootLayouts}) with a boot loader that
 * names the OS profile, and, for images in files, the profile's OS files in the root partition; for tiny-linux, in
 * files, the real guest instead ({@link TinyLinuxImage}). The profiles' shared base images and {@code disk create --os}
 * both come from here, so a VM finds the same thing on either.
 */
public final class BootableDisks {
    /** OS files written into a bootable image: a content volume for backups to find, not a model figure. */
    static final long OS_CONTENT_BYTES = 16L << 20;
    /** The OS files lie within this much of the root partition's start. */
    private static final long OS_AREA = 1L << 30;
    /** Room kept free at the end of a disk: a GPT keeps its backup header and entries there. */
    private static final long TAIL = Sizes.MiB;

    private BootableDisks() {}

    /**
     * Lays {@code profile}'s boot layout for {@code firmware} on {@code image}, and its OS files when {@code osFiles}.
     * The OS files depend on the profile alone, so every bootable disk of a profile holds the same ones (as clones of
     * one installation do, which is what deduplicating backups find).
     */
    static void lay(DiskImage image, OsProfile profile, String firmware, boolean osFiles) throws IOException {
        if (osFiles && profile.id().equals(OsProfiles.TINY_LINUX)) {
            // the real guest, for QEMU to boot: one disk for either firmware, whose loader the simulated firmware
            // takes for a foreign one (it boots the VM's profile, which is this one)
            TinyLinuxImage.write(image, GuestSources.find(), RandomStreams.stable(image.path().getFileName() + "/os=" + profile.id()));
            return;
        }
        long root = BootLayouts.write(image, firmware, "os=" + profile.id());
        if (!osFiles) {
            return;
        }
        long profileSeed = RandomStreams.stable("base/" + profile.id());
        long region = Math.min(image.virtualSize() - root, OS_AREA) & ~4095L;
        for (GuestWrite w : GuestWorkload.generate(WorkloadKind.OS_FILES, profileSeed, new SplittableRandom(profileSeed),
                root, region, OS_CONTENT_BYTES)) {
            image.write(w.offset(), ByteBuffer.wrap(w.data()));
        }
    }

    /** The smallest disk that holds {@code profile}'s boot layout for {@code firmware} and its OS files, in whole MiB. */
    public static long minimumSize(OsProfile profile, String firmware) {
        if (profile.id().equals(OsProfiles.TINY_LINUX)) {
            return TinyLinuxImage.minimumSize();
        }
        long rootStart = firmware.equals("uefi") ? Sizes.MiB + BootLayouts.ESP_BYTES + Sizes.MiB : Sizes.MiB;
        long bytes = rootStart + OS_CONTENT_BYTES + TAIL;
        return (bytes + Sizes.MiB - 1) / Sizes.MiB * Sizes.MiB;
    }
}
