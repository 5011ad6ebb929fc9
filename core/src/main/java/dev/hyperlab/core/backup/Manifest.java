package dev.hyperlab.core.backup;

import dev.hyperlab.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A backup's manifest ({@code backups/ID}): small JSON that names everything else. Written last, after the packs and
 * the index file that hold its blobs are durable, so a manifest that exists describes a complete backup. ID is the
 * content id of the plaintext, which makes the backup id a fingerprint of the whole backup.
 *
 * <p>Two kinds: a backup of a machine's disks (version 1, below), and a backup of files of the machine hyperlab runs
 * on (version 2: {@code "disks": []} and a {@code "files"} object naming the root tree; see {@link FileSet}).
 *
 * <pre>{@code
 * {"version": 1, "source": "web1", "strategy": "incremental", "labTime": 86400000000000,
 *  "parents": ["<id>"], "config": {...the caller's VM config...},
 *  "disks": [{"name": "vda", "format": "qcow2", "virtualSize": 2147483648, "dataBytes": ..., "pieces": ...,
 *             "pages": [{"index": 0, "map": "<blob id>"}]}],
 *  "notes": [...], "stats": {"bytesRead": ..., "blobsAdded": ..., "bytesAdded": ...}}
 * }</pre>
 */
record Manifest(
        String source,
        String strategy,
        long labTime,
        List<String> parents,
        Map<String, Object> config,
        List<Disk> disks,
        List<String> notes,
        long bytesRead,
        long blobsAdded,
        long bytesAdded,
        FileSet files) {

    static final byte[] AAD = "hyperlab manifest".getBytes(StandardCharsets.US_ASCII);

    /** One disk: its summary and the map page blobs that list its pieces. */
    record Disk(String name, String format, long virtualSize, long dataBytes, long pieces, List<MapPage> pages) {
        BackupDisk summary() {
            return new BackupDisk(name, format, virtualSize, dataBytes, pieces);
        }

        /** The first thing wrong with this disk's sizes and pages, or null. */
        private String problem() {
            if (!format.matches("[a-z0-9]{1,16}")) {
                return "bad format " + DiskNames.quote(format);
            }
            if (virtualSize <= 0 || virtualSize > DiskMap.MAX_DISK) {
                return "bad virtual size " + virtualSize + " (1 to " + DiskMap.MAX_DISK + " bytes)";
            }
            if (dataBytes < 0 || dataBytes > virtualSize) {
                return "data bytes " + dataBytes + " outside 0 to its virtual size " + virtualSize;
            }
            if (pieces < 0 || pieces > dataBytes) {
                return pieces + " pieces for " + dataBytes + " data bytes";
            }
            long pageCount = DiskMap.pageCount(virtualSize);
            int last = -1;
            for (MapPage p : pages) {
                if (p.index() <= last || p.index() >= pageCount) {
                    return "map page " + p.index() + (p.index() >= pageCount ? " is beyond its " + pageCount
                            + " pages" : " is out of order (pages must ascend, each once)");
                }
                last = p.index();
            }
            return null;
        }
    }

    /** Map page {@code index} (covering {@code [index GiB, (index + 1) GiB)}) is blob {@code blob}. */
    record MapPage(int index, ObjectId blob) {}

    /**
     * What a file backup holds: the tree of the root directory, the paths it was asked for (as {@code backup ls}
     * shows names), the exclude patterns, the wall-clock time it began (nanoseconds since the epoch: file backups are
     * of the real machine, outside the lab), what it counted, and how many entries it left out (vanished, unreadable,
     * too deep: every warning that ends in "left out" or "skipped"; -1 when the manifest predates the count): a backup
     * that left nothing out holds every name of every directory it walked whole, which its child relies on to keep a
     * directory's names without listing it again.
     */
    record FileSet(ObjectId tree, List<String> paths, List<String> excludes, long time, FileCounts counts,
            long leftOut) {
        private String problem() {
            if (paths.isEmpty() || paths.size() > MAX_PATHS) {
                return "it lists " + paths.size() + " paths (1 to " + MAX_PATHS + ")";
            }
            for (Object p : paths) {
                if (!(p instanceof String s) || !s.startsWith("/") || s.length() > 4 * 4096
                        || s.chars().anyMatch(Character::isISOControl)) {
                    return "bad path " + DiskNames.quote(String.valueOf(p));
                }
            }
            for (Object x : excludes) {
                if (!(x instanceof String s) || s.isEmpty() || s.length() > 4096
                        || s.chars().anyMatch(Character::isISOControl)) {
                    return "bad exclude pattern " + DiskNames.quote(String.valueOf(x));
                }
            }
            if (excludes.size() > MAX_PATHS) {
                return "more than " + MAX_PATHS + " exclude patterns";
            }
            return time < 0 || !counts.valid() || leftOut < -1 ? "negative time or counts" : null;
        }
    }

    /** The most paths, and exclude patterns, a file backup names: far more than a command line holds. */
    static final int MAX_PATHS = 10_000;

    BackupInfo info(String id) {
        return new BackupInfo(id, source, strategy, labTime, parents, config,
                disks.stream().map(Disk::summary).toList(), notes, bytesRead, blobsAdded, bytesAdded,
                files == null ? List.of() : files.paths(), files == null ? 0 : files.time(),
                files == null ? FileCounts.NONE : files.counts());
    }

    byte[] encode() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", files == null ? 1 : 2);
        json.put("source", source);
        json.put("strategy", strategy);
        json.put("labTime", labTime);
        json.put("parents", parents);
        json.put("config", config);
        List<Object> ds = new ArrayList<>();
        for (Disk d : disks) {
            Map<String, Object> dj = new LinkedHashMap<>();
            dj.put("name", d.name());
            dj.put("format", d.format());
            dj.put("virtualSize", d.virtualSize());
            dj.put("dataBytes", d.dataBytes());
            dj.put("pieces", d.pieces());
            List<Object> pages = new ArrayList<>();
            for (MapPage p : d.pages()) {
                pages.add(Map.of("index", p.index(), "map", p.blob().hex()));
            }
            dj.put("pages", pages);
            ds.add(dj);
        }
        json.put("disks", ds);
        if (files != null) {
            Map<String, Object> fj = new LinkedHashMap<>();
            fj.put("tree", files.tree().hex());
            fj.put("paths", files.paths());
            fj.put("excludes", files.excludes());
            fj.put("time", files.time());
            fj.put("counts", files.counts().toJson());
            fj.put("leftOut", files.leftOut());
            json.put("files", fj);
        }
        json.put("notes", notes);
        json.put("stats", Map.of("bytesRead", bytesRead, "blobsAdded", blobsAdded, "bytesAdded", bytesAdded));
        return Json.write(json);
    }

    @SuppressWarnings("unchecked")
    static Manifest decode(byte[] data, String what) throws RepositoryException {
        Map<?, ?> json = DocumentFields.object(DocumentFields.parse(data, what), what);
        long version = DocumentFields.longField(json, "version", what);
        if (version != 1 && version != 2) {
            throw new RepositoryException(what + " has an unknown manifest version " + json.get("version"));
        }
        try {
            FileSet files = null;
            if (version == 2) {
                Map<?, ?> f = DocumentFields.object(json.get("files"), what + " files");
                files = new FileSet(ObjectId.parse(DocumentFields.field(f, "tree", String.class, what)),
                        List.copyOf((List<String>) DocumentFields.field(f, "paths", List.class, what)),
                        List.copyOf((List<String>) DocumentFields.field(f, "excludes", List.class, what)),
                        DocumentFields.longField(f, "time", what),
                        FileCounts.fromJson(DocumentFields.object(f.get("counts"), what + " counts"), what),
                        f.containsKey("leftOut") ? DocumentFields.longField(f, "leftOut", what) : -1);
            }
            List<Disk> disks = new ArrayList<>();
            for (Object o : DocumentFields.field(json, "disks", List.class, what)) {
                Map<?, ?> d = DocumentFields.object(o, what + " disk");
                List<MapPage> pages = new ArrayList<>();
                for (Object po : DocumentFields.field(d, "pages", List.class, what)) {
                    Map<?, ?> p = DocumentFields.object(po, what + " page");
                    pages.add(new MapPage(Math.toIntExact(DocumentFields.longField(p, "index", what)),
                            ObjectId.parse(DocumentFields.field(p, "map", String.class, what))));
                }
                disks.add(new Disk(
                        DocumentFields.field(d, "name", String.class, what),
                        DocumentFields.field(d, "format", String.class, what),
                        DocumentFields.longField(d, "virtualSize", what),
                        DocumentFields.longField(d, "dataBytes", what),
                        DocumentFields.longField(d, "pieces", what),
                        List.copyOf(pages)));
            }
            Map<?, ?> stats = DocumentFields.object(json.get("stats"), what + " stats");
            return new Manifest(
                    DocumentFields.field(json, "source", String.class, what),
                    DocumentFields.field(json, "strategy", String.class, what),
                    DocumentFields.longField(json, "labTime", what),
                    List.copyOf((List<String>) DocumentFields.field(json, "parents", List.class, what)),
                    (Map<String, Object>) DocumentFields.field(json, "config", Map.class, what),
                    List.copyOf(disks),
                    List.copyOf((List<String>) DocumentFields.field(json, "notes", List.class, what)),
                    DocumentFields.longField(stats, "bytesRead", what),
                    DocumentFields.longField(stats, "blobsAdded", what),
                    DocumentFields.longField(stats, "bytesAdded", what),
                    files).checked(what);
        } catch (IllegalArgumentException | ArithmeticException | ClassCastException | NullPointerException e) {
            throw new RepositoryException(what + " is damaged: " + e.getMessage(), e);
        }
    }

    /**
     * This manifest, once everything it says that the repository's own writer would never say is ruled out: a
     * manifest is data from the repository, which may be hostile, and its names become file names on restore.
     *
     * @throws RepositoryException naming {@code what} and the first thing wrong
     */
    private Manifest checked(String what) throws RepositoryException {
        String bad = problem();
        if (bad != null) {
            throw new RepositoryException(what + " is damaged: " + bad);
        }
        return this;
    }

    /** The first thing wrong with this manifest, or null. */
    private String problem() {
        if (source.isBlank() || source.length() > 128 || source.chars().anyMatch(Character::isISOControl)) {
            return "bad source name " + DiskNames.quote(source);
        }
        if (!strategy.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            return "bad strategy " + DiskNames.quote(strategy);
        }
        if (labTime < 0 || bytesRead < 0 || blobsAdded < 0 || bytesAdded < 0) {
            return "negative lab time or statistics";
        }
        for (Object p : parents) {
            if (!(p instanceof String s) || !s.matches("[0-9a-f]{64}")) {
                return "bad parent backup id " + DiskNames.quote(String.valueOf(p));
            }
        }
        for (Object n : notes) {
            if (!(n instanceof String)) {
                return "a note that is not a string";
            }
        }
        if (files != null) {
            return disks.isEmpty() ? files.problem() : "it is a file backup, yet it lists disks";
        }
        if (disks.isEmpty()) {
            return "it lists no disks";
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < disks.size(); i++) {
            Disk d = disks.get(i);
            if (!DiskNames.valid(d.name())) {
                return "disk " + (i + 1) + " has a bad name " + DiskNames.quote(d.name()) + " (" + DiskNames.RULE + ")";
            }
            if (!names.add(d.name())) {
                return "two disks have the name " + DiskNames.quote(d.name());
            }
            String bad = d.problem();
            if (bad != null) {
                return "disk " + d.name() + ": " + bad;
            }
        }
        return null;
    }
}
