package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.OutputStream;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A disk image: a qcow2 or raw file, whether a VM of the lab uses it, the lab made it, or it came from elsewhere
 * (QEMU, libvirt, Proxmox). A handle: it names the file and reads it on each call; it never changes the image.
 *
 * <pre>{@code
 * Disk d = lab.createDisk(DiskSpec.of("web.qcow2", Sizes.parse("20GiB")).withOs("linux-server"));
 * DiskInfo i = d.info();          // format, virtual size, allocated bytes, backing chain, snapshots, bitmaps
 * if (d.check().corrupt()) { ... }
 * for (FileEntry e : d.listFiles(0, "/etc", false)) { ... }   // the files inside, as virt-ls lists them
 * byte[] hosts = d.readFile(0, "/etc/hosts");                // as virt-cat reads one
 * d.copyFiles(0, "/var/www", "www-copy");                     // www-copy/www: a tree out of the image
 * }</pre>
 *
 * <p>The file methods read the file system inside the image, read-only: ext2, ext3, ext4 and FAT (12, 16, 32), on
 * the whole disk or in a partition of its MBR or GPT. {@code partition} counts from 1 as Linux does ({@code sda1});
 * 0 picks the first partition that holds a file system. Paths are absolute in the image's file system; symbolic links
 * inside it are followed as the guest would follow them, never out of the image. Names show as {@link FileEntry}
 * says. Errors are {@link LabException}s with one line: {@code NOT_FOUND} for a path or partition that is not there,
 * {@code INVALID} for a path below a file, a file system hyperlab does not read, or a damaged one.
 */
@API(status = STABLE, since = "0.1")
public interface Disk {

    /** The image file, as an absolute path ({@code mem:} names in a lab that lives in memory). */
    String path();

    /** What {@code disk info} shows: read now, as {@code qemu-img info} would. */
    DiskInfo info();

    /**
     * Checks the image's consistency as {@code qemu-img check} does, changing nothing. A damaged image is a result
     * ({@link DiskCheck#corrupt()}), not an exception; an image that cannot be read at all throws {@link LabException}.
     */
    DiskCheck check();

    /**
     * The entries of directory {@code path} in the image's file system (with {@code recursive}, everything below it,
     * a directory's entries then each subdirectory's), sorted by name; the entry itself when it is not a directory. A
     * final symbolic link is listed, not followed. Owner names are empty: the image's users are not this machine's.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    List<FileEntry> listFiles(int partition, String path, boolean recursive);

    /**
     * Writes the bytes of file {@code path} in the image's file system to {@code out} (holes as zeros), as
     * {@code virt-cat} does; a symbolic link is followed.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    void readFile(int partition, String path, OutputStream out);

    /** The bytes of file {@code path}, for files of up to 64 MiB ({@link #readFile(int, String, OutputStream)} for any). */
    @API(status = EXPERIMENTAL, since = "0.2")
    byte[] readFile(int partition, String path);

    /**
     * Copies file or directory {@code path} of the image's file system, and everything below it, into
     * {@code directory} on this machine (created when missing; its parent must exist), as {@code virt-copy-out} does:
     * {@code /var/www} becomes {@code DIRECTORY/www}, {@code /} copies the file system's contents. Contents (holes stay
     * holes), permission bits, modification times and symbolic links are copied; hard links become separate files;
     * owners are left as the copying user; device files and sockets are left out with a warning. Nothing is written
     * outside {@code directory}: an entry that exists there already stops the copy ({@code CONFLICT}), and a name that
     * could leave it is left out with a warning.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    DiskCopy copyFiles(int partition, String path, @HostPath String directory);
}
