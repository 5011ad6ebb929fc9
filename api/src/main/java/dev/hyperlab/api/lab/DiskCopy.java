package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Disk#copyFiles} copied out of an image's file system ({@code disk get}).
 *
 * <pre>{@code
 * DiskCopy c = lab.disk("web.qcow2").copyFiles(0, "/var/www", "www-copy");   // www-copy/www/...
 * System.out.println(c.files() + " files, " + c.bytesWritten() + " bytes");
 * c.warnings().forEach(System.out::println);                               // what was left out
 * }</pre>
 *
 * @param image the image (absolute path)
 * @param fileSystem its type: {@code ext4}, {@code ext3}, {@code ext2}, {@code fat12}, {@code fat16} or {@code fat32}
 * @param path the path copied, in the image
 * @param directory where it went (absolute)
 * @param files regular files written
 * @param directories directories made
 * @param links symbolic links made
 * @param bytesWritten file bytes written (holes not counted)
 * @param warnings what was left out, one line each
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record DiskCopy(String image, String fileSystem, String path, String directory, long files, long directories,
        long links, long bytesWritten, List<String> warnings) {

    /** Copies the list. */
    public DiskCopy {
        warnings = List.copyOf(warnings);
    }
}
