package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@code disk check} finds, counted as {@code qemu-img check} counts. Corruptions put data at risk (a refcount
 * below its references, a pointer past the end of the file, a wrong COPIED flag); leaks are clusters counted but
 * unused (wasted space, harmless: what a killed writer leaves at worst).
 *
 * <pre>{@code
 * DiskCheck c = lab.disk("labs/demo/images/web1-disk0.qcow2").check();
 * if (c.corrupt()) c.problems().forEach(System.out::println);
 * }</pre>
 *
 * @param path the image checked
 * @param format {@code qcow2} or {@code raw} (a raw image has no metadata and is always clean)
 * @param corrupt true when the image has corruptions or structures that could not be read
 * @param corruptions problems that put data at risk
 * @param leaks clusters with a refcount higher than their references
 * @param checkErrors structures that could not be read at all
 * @param problems one line per problem found, in the order found (at most 1,000)
 * @param allocatedClusters guest clusters stored in this image (not in its backing files)
 * @param totalClusters clusters of the virtual disk
 * @param imageEndOffset where the last used cluster of the file ends
 */
@API(status = STABLE, since = "0.1")
public record DiskCheck(
        String path, String format, boolean corrupt, long corruptions, long leaks, long checkErrors,
        List<String> problems, long allocatedClusters, long totalClusters, long imageEndOffset) {

    public DiskCheck {
        problems = List.copyOf(problems);
    }

    /** No corruption, no leak. */
    public boolean clean() {
        return !corrupt && leaks == 0;
    }
}
