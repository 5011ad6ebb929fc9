package dev.hyperlab.core.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks a repository: first its structure (index files, pack headers against the index, manifests, disk maps, that
 * every referenced blob is indexed in a pack that exists), then with {@code readData} every blob's bytes against its
 * id. Reports each problem once, with the backups it makes unrestorable; never stops at the first.
 */
final class Checker {
    private static final int MAX_BLOB_ERRORS_PER_BACKUP = 5;

    private final Backend backend;
    private final RepositoryCipher cipher;
    private final BlobCodec codec;

    Checker(Backend backend, RepositoryCipher cipher, BlobCodec codec) {
        this.backend = backend;
        this.cipher = cipher;
        this.codec = codec;
    }

    BackupCheckReport check(boolean readData, List<String> notes) throws IOException {
        List<String> errors = new ArrayList<>();
        TreeSet<String> damagedBackups = new TreeSet<>();
        Set<ObjectId> badBlobs = new HashSet<>();

        RepositoryIndex index = RepositoryIndex.load(backend, cipher);
        for (String d : index.damaged()) {
            errors.add(d);
        }
        SortedMap<ObjectId, List<PackFormat.Entry>> indexed = index.packs();
        Set<String> onDisk = new HashSet<>(backend.list(FileKind.PACK));

        // packs the index lists: present, and their headers agree with the index
        for (Map.Entry<ObjectId, List<PackFormat.Entry>> e : indexed.entrySet()) {
            String name = e.getKey().hex();
            if (!onDisk.contains(name)) {
                errors.add("pack " + e.getKey().shortHex() + " is missing (listed by index file "
                        + shortName(index.source(e.getKey())) + ", " + e.getValue().size() + " blobs)");
                e.getValue().forEach(b -> badBlobs.add(b.id()));
                continue;
            }
            try {
                List<PackFormat.Entry> header = PackReader.header(backend, cipher, name);
                if (!header.equals(e.getValue())) {
                    errors.add("pack " + e.getKey().shortHex() + " does not hold what index file "
                            + shortName(index.source(e.getKey())) + " says it holds");
                    e.getValue().forEach(b -> badBlobs.add(b.id()));
                }
            } catch (RepositoryException ex) {
                errors.add(ex.getMessage());
                e.getValue().forEach(b -> badBlobs.add(b.id()));
            }
        }
        for (String name : new TreeSet<>(onDisk)) {
            try {
                ObjectId.parse(name);
            } catch (IllegalArgumentException ex) {
                errors.add("data/" + name + " is not a pack file name");
            }
        }
        // packs no index lists: their blobs are still in the packs (a lost or damaged index file, or an interrupted backup's leftovers):
        // find them so the backups' references resolve, then tell the two apart by whether a backup uses them
        List<ObjectId> recovered = index.recoverFromPacks(backend, cipher, errors);

        // backups: manifests, maps, references
        List<String> manifestProblems = new ArrayList<>();
        List<String> damagedIds = new ArrayList<>();
        List<Manifests.Loaded> backups = Manifests.loadAll(backend, cipher, manifestProblems, damagedIds);
        errors.addAll(manifestProblems);
        damagedBackups.addAll(damagedIds);
        BlobReader reader = new BlobReader(backend, index, codec);
        Map<ObjectId, Set<String>> users = new HashMap<>();
        for (Manifests.Loaded b : backups) {
            int reported = 0;
            for (Manifest.Disk disk : b.manifest().disks()) {
                List<Piece> map = new ArrayList<>();
                boolean whole = true;
                for (Manifest.MapPage page : disk.pages()) {
                    users.computeIfAbsent(page.blob(), k -> new TreeSet<>()).add(b.id());
                    List<Piece> pieces;
                    try {
                        pieces = DiskMap.decodePage(reader.read(page.blob()), page.index() * DiskMap.PAGE,
                                "map page " + page.blob().shortHex());
                    } catch (RepositoryException ex) {
                        errors.add(Manifests.describe(b.id(), disk) + ": " + ex.getMessage());
                        damagedBackups.add(b.id());
                        whole = false;
                        continue;
                    }
                    map.addAll(pieces);
                    for (Piece p : pieces) {
                        users.computeIfAbsent(p.blob(), k -> new TreeSet<>()).add(b.id());
                        var loc = index.get(p.blob());
                        if (loc.isEmpty() || loc.get().rawLength() < (long) p.blobOffset() + p.length()) {
                            if (reported++ < MAX_BLOB_ERRORS_PER_BACKUP) {
                                errors.add("backup " + b.id().substring(0, 8) + " disk " + disk.name() + ": blob "
                                        + p.blob().shortHex() + " at " + p.offset()
                                        + (loc.isEmpty() ? " is missing from the index" : " is shorter than the map says"));
                            }
                            damagedBackups.add(b.id());
                        }
                    }
                }
                try {
                    DiskMap.checkAgainst(disk, map, whole, Manifests.describe(b.id(), disk));
                } catch (RepositoryException ex) {
                    errors.add(ex.getMessage());
                    damagedBackups.add(b.id());
                }
            }
            if (reported > MAX_BLOB_ERRORS_PER_BACKUP) {
                errors.add("backup " + b.id().substring(0, 8) + ": " + (reported - MAX_BLOB_ERRORS_PER_BACKUP)
                        + " more missing blobs");
            }
        }

        FileTreeUsers trees = checkTrees(backups, index, reader, errors, damagedBackups);

        long bytesRead = 0;
        if (readData) {
            bytesRead = readAll(index, errors, badBlobs);
        }
        for (ObjectId bad : badBlobs) {
            damagedBackups.addAll(users.getOrDefault(bad, Set.of()));
            damagedBackups.addAll(trees.backupsUsing(bad));
        }
        List<ObjectId> needed = neededUnindexed(recovered, index, users, trees);
        boolean indexNeedsRepair = !index.damaged().isEmpty() || !needed.isEmpty();
        if (!needed.isEmpty() && index.damaged().isEmpty()) {
            errors.add(packs(needed.size()) + " (" + needed.getFirst().shortHex() + (needed.size() > 1 ? ", ..." : "")
                    + ") " + (needed.size() == 1 ? "holds" : "hold") + " data that backups use but no index file"
                    + " lists: an index file is lost (the data is intact)");
        } else if (!needed.isEmpty()) {
            notes.add(packs(needed.size()) + " listed by no readable index file were read directly");
        }
        int leftovers = recovered.size() - needed.size();
        if (leftovers > 0) {
            notes.add(packs(leftovers) + " listed by no index file and used by no backup: left over by an interrupted"
                    + " backup or prune (prune removes them)");
        }
        List<String> temps = backend.list(FileKind.TEMP);
        if (!temps.isEmpty()) {
            notes.add(temps.size() + " temporary file(s) left over by an interrupted process (prune removes them)");
        }
        return new BackupCheckReport(readData, backups.size() + damagedIds.size(), indexed.size() + recovered.size(),
                index.blobCount(), bytesRead, errors, List.copyOf(damagedBackups), notes, indexNeedsRepair);
    }

    private static String packs(int n) {
        return n + (n == 1 ? " pack" : " packs");
    }

    /**
     * The packs of {@code recovered} (in id order) that hold a blob a backup uses (a disk map's or a file tree's) and no
     * indexed pack holds: an interrupted backup's or prune's packs may hold copies of indexed blobs, which are
     * leftovers all the same.
     */
    private static List<ObjectId> neededUnindexed(List<ObjectId> recovered, RepositoryIndex index,
            Map<ObjectId, Set<String>> users, FileTreeUsers trees) {
        if (recovered.isEmpty()) {
            return List.of();
        }
        SortedMap<ObjectId, List<PackFormat.Entry>> packs = index.packs();
        List<ObjectId> needed = new ArrayList<>();
        for (ObjectId pack : recovered) {
            for (PackFormat.Entry e : packs.getOrDefault(pack, List.of())) {
                boolean used = users.containsKey(e.id()) || trees.treeUsers.containsKey(e.id())
                        || trees.listedBy.containsKey(e.id());
                if (used && index.get(e.id()).map(l -> l.pack().equals(pack)).orElse(false)) {
                    needed.add(pack);
                    break;
                }
            }
        }
        return needed;
    }

    /**
     * Which file backups use which blobs, kept per tree rather than per blob and backup: the trees one backup shares
     * with the next are walked once, and a damaged blob is traced to the trees that list it, then to the backups that
     * reach those trees.
     */
    private static final class FileTreeUsers {
        /** Tree to the backups that reach it. */
        final Map<ObjectId, Set<String>> treeUsers = new HashMap<>();
        /** Tree to its subtrees; absent until read, null when it could not be read. */
        final Map<ObjectId, List<ObjectId>> subtrees = new HashMap<>();
        /** Trees with a problem: unreadable, or listing a blob that is missing or not what it says. */
        final Set<ObjectId> bad = new HashSet<>();
        /** Content or tree blob to the trees that list it. */
        final Map<ObjectId, List<ObjectId>> listedBy = new HashMap<>();

        Set<String> backupsUsing(ObjectId blob) {
            Set<String> out = new TreeSet<>(treeUsers.getOrDefault(blob, Set.of()));
            for (ObjectId tree : listedBy.getOrDefault(blob, List.of())) {
                out.addAll(treeUsers.getOrDefault(tree, Set.of()));
            }
            return out;
        }
    }

    /**
     * The file backups' trees: each readable and well-formed, each blob they list indexed and long enough. Every tree
     * is read once, however many backups share it.
     */
    private FileTreeUsers checkTrees(List<Manifests.Loaded> backups, RepositoryIndex index, BlobReader reader,
            List<String> errors, Set<String> damagedBackups) throws IOException {
        FileTreeUsers u = new FileTreeUsers();
        Trees trees = new Trees(index, reader);
        for (Manifests.Loaded b : backups) {
            Manifest.FileSet files = b.manifest().files();
            if (files == null) {
                continue;
            }
            String sid = b.id().substring(0, 8);
            List<ObjectId> stack = new ArrayList<>(List.of(files.tree()));
            Set<ObjectId> seen = new HashSet<>();
            while (!stack.isEmpty()) {
                ObjectId t = stack.removeLast();
                if (!seen.add(t)) {
                    continue;
                }
                u.treeUsers.computeIfAbsent(t, k -> new TreeSet<>()).add(b.id());
                if (!u.subtrees.containsKey(t)) {
                    u.subtrees.put(t, read(t, trees, index, u, errors, sid));
                }
                List<ObjectId> subs = u.subtrees.get(t);
                if (subs == null || u.bad.contains(t)) {
                    damagedBackups.add(b.id());
                }
                if (subs != null) {
                    stack.addAll(subs);
                }
            }
        }
        return u;
    }

    /** Reads tree {@code t} and checks what it lists; returns its subtrees, or null when it cannot be read. */
    private static List<ObjectId> read(ObjectId t, Trees trees, RepositoryIndex index, FileTreeUsers u,
            List<String> errors, String sid) throws IOException {
        List<TreeNode> entries;
        try {
            entries = trees.load(t);
        } catch (RepositoryException ex) {
            u.bad.add(t);
            errors.add("backup " + sid + ": " + ex.getMessage());
            return null;
        }
        List<ObjectId> subs = new ArrayList<>();
        int reported = 0;
        for (TreeNode e : entries) {
            if (e.subtree() != null) {
                subs.add(e.subtree());
                u.listedBy.computeIfAbsent(e.subtree(), k -> new ArrayList<>()).add(t);
            }
            for (Piece p : e.content()) {
                u.listedBy.computeIfAbsent(p.blob(), k -> new ArrayList<>()).add(t);
                var loc = index.get(p.blob());
                if (loc.isEmpty() || loc.get().type() != BlobType.DATA || loc.get().rawLength() < p.length()) {
                    u.bad.add(t);
                    if (reported++ < MAX_BLOB_ERRORS_PER_BACKUP) {
                        errors.add("backup " + sid + " tree " + t.shortHex() + " file " + ByteNames.quote(e.name())
                                + ": blob " + p.blob().shortHex() + (loc.isEmpty() ? " is missing from the index"
                                        : " is not the data the tree says"));
                    }
                }
            }
        }
        if (reported > MAX_BLOB_ERRORS_PER_BACKUP) {
            errors.add("backup " + sid + " tree " + t.shortHex() + ": " + (reported - MAX_BLOB_ERRORS_PER_BACKUP)
                    + " more missing blobs");
        }
        return subs;
    }

    /** Reads every blob of every indexed pack, one worker per core; returns bytes read. */
    private long readAll(RepositoryIndex index, List<String> errors, Set<ObjectId> badBlobs) throws IOException {
        List<Map.Entry<ObjectId, List<PackFormat.Entry>>> packs = new ArrayList<>(index.packs().entrySet());
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger next = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        List<String> found = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(cores, r -> {
            Thread t = new Thread(r, "check-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < cores; w++) {
                fs.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < packs.size(); i = next.getAndIncrement()) {
                        readPack(packs.get(i).getKey(), packs.get(i).getValue(), bytes, found, badBlobs);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("check interrupted");
        } catch (ExecutionException e) {
            throw new IOException("check failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        found.sort(null); // workers finish in any order; the report must not
        errors.addAll(found);
        return bytes.get();
    }

    /** Reads and verifies every blob the index lists in {@code pack}, one at a time (never the whole pack at once). */
    private void readPack(ObjectId pack, List<PackFormat.Entry> entries, AtomicLong bytes, List<String> found,
            Set<ObjectId> badBlobs) throws IOException {
        byte[] stored = new byte[BlobCodec.maxStored(BackupPipeline.MAX_CHUNK)];
        byte[] out = new byte[BackupPipeline.MAX_CHUNK];
        byte[] scratch = cipher.encrypted() ? new byte[stored.length] : null;
        for (PackFormat.Entry e : entries) {
            // lengths were bounded when the index was read (PackFormat.plausible)
            if (stored.length < e.storedLength()) {
                stored = new byte[e.storedLength()];
                scratch = cipher.encrypted() ? new byte[e.storedLength()] : null;
            }
            if (out.length < e.rawLength()) {
                out = new byte[e.rawLength()];
            }
            try {
                backend.load(FileKind.PACK, pack.hex(), e.offset(), ByteBuffer.wrap(stored, 0, e.storedLength()));
            } catch (NoSuchFileException | java.io.EOFException ex) {
                return; // reported by the structure check
            }
            bytes.addAndGet(e.storedLength());
            BlobLocation loc = new BlobLocation(pack, e.type(), e.compressed(), e.offset(), e.storedLength(),
                    e.rawLength());
            try {
                codec.decode(e.id(), loc, stored, out, scratch);
            } catch (RepositoryException ex) {
                synchronized (found) {
                    found.add(ex.getMessage());
                }
                synchronized (badBlobs) {
                    badBlobs.add(e.id());
                }
            }
        }
    }

    private static String shortName(String name) {
        return name.length() > 8 ? name.substring(0, 8) : name;
    }
}
