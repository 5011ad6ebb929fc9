package dev.hyperlab.core.engine.image;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.storage.CorruptImageException;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.ImageLockedException;
import dev.hyperlab.core.storage.OpenMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What hyperlab takes for a disk image file, and where a path given by a person points.
 *
 * <p>Paths resolve as {@code qemu-img} resolves them: relative to the working directory; the lab records them absolute.
 * A qcow2 file is an image (damage is reported when it is read); any other file is a raw image only if it looks like
 * one: a whole number of 512-byte sectors (every raw image {@code qemu-img create} makes is, and a text file almost
 * never is), and not another tool's format, which read as raw would be garbage.
 */
public final class DiskFiles {
    /** In-memory labs name their images {@code mem:...}; such names are not file paths. */
    public static final String MEMORY_PREFIX = "mem:";
    private static final int SECTOR = 512;

    private DiskFiles() {}

    /** {@code text} as an absolute, normalised path (relative to the working directory); {@code mem:} names as they are. */
    public static String absolute(String text) {
        if (text.startsWith(MEMORY_PREFIX)) {
            return text;
        }
        try {
            return Path.of(text).toAbsolutePath().normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            throw LabException.invalid("'" + text + "' is not a valid path", e.getReason());
        }
    }

    /** The format of the image file at {@code file}; throws {@link LabException} when there is none or it is not one. */
    static ImageFormat requireImage(Path file) {
        if (!Files.exists(file)) {
            throw LabException.notFound("no image file " + file, "give the path of an existing qcow2 or raw image");
        }
        if (!Files.isRegularFile(file)) {
            throw LabException.invalid(file + " is not a regular file", "give the path of a qcow2 or raw image");
        }
        try {
            ImageFormat format = DiskImages.probe(file);
            if (format == ImageFormat.QCOW2) {
                return format;
            }
            long size = Files.size(file);
            String foreign = foreignFormat(file);
            if (!foreign.isEmpty()) {
                throw LabException.invalid(file + " is a " + foreign + " image, which hyperlab does not read",
                        "convert it: qemu-img convert -O qcow2 " + file + " NEW.qcow2");
            }
            if (size == 0 || size % SECTOR != 0) {
                throw LabException.invalid(file + " is not a disk image: " + size + " bytes is "
                        + (size == 0 ? "empty" : "not a whole number of 512-byte sectors"),
                        "hyperlab reads qcow2 images and raw images of whole sectors");
            }
            return format;
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read " + file + ": " + e.getMessage(),
                    "check the file's permissions", e);
        }
    }

    /**
     * Runs {@code query} on {@code own} (a store's handle of the image) when there is one, else on {@code file} opened
     * read-only for the call as {@code mode} says ({@link OpenMode#INSPECT} shares it with writers, as qemu-img -U
     * does); a missing file, a non-image, a damaged or locked image is refused with a {@link LabException}.
     */
    static <T> T query(Path file, DiskImage own, OpenMode mode, ImageQuery<T> query) {
        try {
            if (own != null) {
                return query.apply(own);
            }
            ImageFormat format = requireImage(file);
            try (DiskImage img = DiskImages.open(file, format, mode)) {
                return query.apply(img);
            }
        } catch (ImageLockedException e) {
            throw refusal(file, e);
        } catch (ImageException e) {
            throw unreadable(file, e);
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read " + file + ": " + e.getMessage(),
                    "check the file's permissions", e);
        }
    }

    /** The refusal of an image that could not be read: damaged, hostile, or with a broken backing chain. */
    static LabException unreadable(Object file, ImageException e) {
        String m = e.getMessage();
        String hint = m.contains("backing chain loops") || m.contains("backing file")
                ? "repoint the chain: qemu-img rebase -u -b BACKING IMAGE"
                : "hyperlab reads qcow2 and raw images; disk check tells what is damaged";
        return LabException.invalid("cannot read image " + file + ": " + m, hint);
    }

    /**
     * The refusal of an image that could not be opened for writing: another process holds it (a conflict that ends
     * when it closes the image), it is corrupt (nothing was written to it; a repair is the way out), or it is damaged.
     */
    static LabException refusal(Path file, ImageException e) {
        String m = e.getMessage().startsWith(file + ": ") ? e.getMessage().substring(file.toString().length() + 2) : e.getMessage();
        if (e instanceof ImageLockedException) {
            return LabException.conflict("image " + file + " is in use: " + m,
                    "close it there first; disk info and disk check still read it");
        }
        if (e instanceof CorruptImageException) {
            return LabException.invalid("cannot write image " + file + ": " + m,
                    "repair it with disk repair " + file + " (or qemu-img check -r all " + file + "); disk check lists "
                            + "every problem");
        }
        return unreadable(file, e);
    }

    /** The name of another tool's image format whose magic {@code file} starts with, or empty. */
    private static String foreignFormat(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(0x44);
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (text.startsWith("KDMV") || text.startsWith("# Disk DescriptorFile")) {
            return "VMDK";
        }
        if (text.startsWith("vhdxfile")) {
            return "VHDX";
        }
        if (text.startsWith("conectix")) {
            return "VHD";
        }
        if (text.startsWith("QED\0")) {
            return "QED";
        }
        // VirtualBox: the signature 0xbeda107f (little-endian) at offset 0x40
        if (head.length >= 0x44 && (head[0x40] & 0xff) == 0x7f && (head[0x41] & 0xff) == 0x10
                && (head[0x42] & 0xff) == 0xda && (head[0x43] & 0xff) == 0xbe) {
            return "VDI";
        }
        return "";
    }
}
