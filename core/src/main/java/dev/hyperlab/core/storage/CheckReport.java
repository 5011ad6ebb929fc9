package dev.hyperlab.core.storage;

import dev.hyperlab.core.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a consistency check, counted as {@code qemu-img check} counts: corruptions (a refcount lower than
 * the references, a pointer past the end of the file, a wrong COPIED flag; data may be lost) versus leaks (clusters
 * counted but unused: wasted space, harmless).
 *
 * @param path the image checked
 * @param format its format
 * @param corruptions problems that put data at risk
 * @param leaks clusters with a refcount higher than their references
 * @param checkErrors structures that could not be read at all
 * @param problems one line per problem found, in the order found (at most {@link #MAX_PROBLEM_LINES})
 * @param allocatedClusters guest clusters stored in this image (not in its backing files)
 * @param totalClusters guest clusters of the virtual disk
 * @param imageEndOffset the end of the last used host cluster
 */
public record CheckReport(String path, ImageFormat format, long corruptions, long leaks, long checkErrors,
        List<String> problems, long allocatedClusters, long totalClusters, long imageEndOffset) {
    public static final int MAX_PROBLEM_LINES = 1000;

    public boolean clean() {
        return corruptions == 0 && leaks == 0 && checkErrors == 0;
    }

    /** What {@code qemu-img check} exits with: 0 clean, 2 corruptions, 3 leaks only, 1 when the check failed. */
    public int qemuExitCode() {
        if (checkErrors > 0) return 1;
        if (corruptions > 0) return 2;
        return leaks > 0 ? 3 : 0;
    }

    /** The same fields {@code qemu-img check --output=json} prints. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filename", path);
        m.put("format", format.qemuName());
        m.put("image-end-offset", imageEndOffset);
        m.put("total-clusters", totalClusters);
        m.put("allocated-clusters", allocatedClusters);
        m.put("corruptions", corruptions);
        m.put("leaks", leaks);
        m.put("check-errors", checkErrors);
        m.put("problems", problems);
        return Json.writeInOrder(m);
    }
}
