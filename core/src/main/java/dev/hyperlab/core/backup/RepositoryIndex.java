package dev.hyperlab.core.backup;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The repository's index in memory: where every blob is stored, merged from all index files. Lookups are safe from
 * any thread (the backup pipeline's workers ask whether a chunk is already stored); everything that iterates does so
 * in id order, never in hash order.
 *
 * <p>Index files that cannot be read are recorded as damaged, not fatal: their packs still hold the blobs, and
 * {@link #recoverFromPacks} can read them back from the pack headers for a restore or a check.
 */
final class RepositoryIndex {
    private final Map<ObjectId, BlobLocation> blobs;
    private final SortedMap<ObjectId, List<PackFormat.Entry>> packs = new TreeMap<>();
    private final SortedMap<ObjectId, String> packSource = new TreeMap<>();
    private final List<String> indexFiles = new ArrayList<>();
    private final List<String> damaged = new ArrayList<>();
    /** Set by {@link #recoverOnMiss}: reads the unindexed packs' headers at the first miss; null when not asked. */
    private volatile MissRecovery onMiss;

    /** What {@link #recoverOnMiss} was given. */
    private record MissRecovery(Backend backend, RepositoryCipher cipher, List<String> notes) {}

    private RepositoryIndex(int expectedBlobs) {
        blobs = new ConcurrentHashMap<>(expectedBlobs);
    }

    /** Reads every index file. Damaged ones are listed in {@link #damaged()}. */
    static RepositoryIndex load(Backend backend, RepositoryCipher cipher) throws IOException {
        return load(backend, cipher, Ahead.NONE);
    }

    /**
     * Index files read ahead of the repository's lock ({@link #readAhead}): the files listed then, those of them that
     * were read, opened, checked against their names and decoded, and the index they make when that was all of them.
     */
    record Ahead(List<String> listed, Map<String, Map<ObjectId, List<PackFormat.Entry>>> read, RepositoryIndex whole) {
        static final Ahead NONE = new Ahead(List.of(), Map.of(), null);
    }

    /**
     * The index files listed now, each read, opened, checked against its name and decoded, for a later
     * {@link #load(Backend, RepositoryCipher, Ahead)} under the lock. Read without the lock: an index file is named by
     * its content and never changed, so one that is still listed once the lock is held holds what was read here; the
     * others are read then, and damage is reported then. The index made of them is that load's when the files listed
     * are the same, and is given to it alone.
     */
    static Ahead readAhead(Backend backend, RepositoryCipher cipher) throws IOException {
        List<String> listed = backend.list(FileKind.INDEX);
        Map<String, Map<ObjectId, List<PackFormat.Entry>>> read = new java.util.LinkedHashMap<>();
        for (String name : listed) {
            try {
                read.put(name, read(backend, cipher, name));
            } catch (NoSuchFileException | RepositoryException e) {
                // read again, and reported, under the lock
            }
        }
        return new Ahead(listed, read, read.size() == listed.size() ? merge(read, List.of()) : null);
    }

    /** {@link #load(Backend, RepositoryCipher)}, taking from {@code ahead} the files still listed. */
    static RepositoryIndex load(Backend backend, RepositoryCipher cipher, Ahead ahead) throws IOException {
        List<String> listed = backend.list(FileKind.INDEX);
        if (ahead.whole() != null && listed.equals(ahead.listed())) {
            return ahead.whole();
        }
        Map<String, Map<ObjectId, List<PackFormat.Entry>>> read = new java.util.LinkedHashMap<>();
        List<String> damaged = new ArrayList<>();
        for (String name : listed) {
            try {
                Map<ObjectId, List<PackFormat.Entry>> content = ahead.read().get(name);
                read.put(name, content != null ? content : read(backend, cipher, name));
            } catch (NoSuchFileException gone) {
                // removed by a prune between listing and reading: its packs are in the prune's new index
            } catch (RepositoryException e) {
                damaged.add(e.getMessage());
            }
        }
        return merge(read, damaged);
    }

    private static Map<ObjectId, List<PackFormat.Entry>> read(Backend backend, RepositoryCipher cipher, String name)
            throws IOException {
        String what = "index file " + name;
        byte[] plain = cipher.open(IndexFile.AAD, backend.load(FileKind.INDEX, name), what);
        if (!cipher.fileId(plain).hex().equals(name)) {
            throw new RepositoryException(what + " is damaged: its content does not match its name");
        }
        return IndexFile.decode(plain, what);
    }

    /**
     * The index of the files {@code read} (in listing order). Decoded first, then merged into a blob map sized for
     * them all: growing it from 16 entries to the 50,000 of a file backup of /usr/share rehashed every entry ~12 times
     * (a tenth of loading the index, issue 18). The size is the count of entries decoded, so a hostile index cannot
     * ask for more than it holds.
     */
    private static RepositoryIndex merge(Map<String, Map<ObjectId, List<PackFormat.Entry>>> read,
            List<String> damaged) {
        long entries = 0;
        for (Map<ObjectId, List<PackFormat.Entry>> content : read.values()) {
            for (List<PackFormat.Entry> e : content.values()) {
                entries += e.size();
            }
        }
        RepositoryIndex index = new RepositoryIndex((int) Math.min(entries, 1 << 26));
        index.damaged.addAll(damaged);
        read.forEach((name, content) -> {
            index.indexFiles.add(name);
            content.forEach((pack, list) -> index.addPack(pack, list, name));
        });
        return index;
    }

    /** Adds the blobs of a pack; a blob already known keeps its first location. */
    synchronized void addPack(ObjectId pack, List<PackFormat.Entry> entries, String source) {
        packs.putIfAbsent(pack, List.copyOf(entries));
        packSource.putIfAbsent(pack, source);
        for (PackFormat.Entry e : entries) {
            blobs.putIfAbsent(e.id(), new BlobLocation(
                    pack, e.type(), e.compressed(), e.offset(), e.storedLength(), e.rawLength()));
        }
    }

    /**
     * Reads the headers of the packs no readable index file lists and adds their blobs, so data listed only by a
     * damaged index file can still be restored and checked. Returns the packs recovered, in id order.
     */
    List<ObjectId> recoverFromPacks(Backend backend, RepositoryCipher cipher, List<String> problems)
            throws IOException {
        List<ObjectId> found = new ArrayList<>();
        for (String name : backend.list(FileKind.PACK)) {
            ObjectId id;
            try {
                id = ObjectId.parse(name);
            } catch (IllegalArgumentException e) {
                continue;
            }
            synchronized (this) {
                if (packs.containsKey(id)) {
                    continue;
                }
            }
            try {
                addPack(id, PackReader.header(backend, cipher, name), "pack header");
                found.add(id);
            } catch (RepositoryException | NoSuchFileException e) {
                problems.add(e.getMessage());
            }
        }
        return found;
    }

    /**
     * For readers of existing backups (ls, diff, restore): the first lookup of a blob no index file lists reads the
     * headers of the packs no index file lists and adds their blobs, once, since a lost or damaged index file leaves
     * its packs intact. {@code notes} gets a line when packs were found that way, and one per pack header that could
     * not be read. Never for a backup: it must store again what no index lists, not refer to a pack a later prune
     * may remove as a leftover.
     */
    void recoverOnMiss(Backend backend, RepositoryCipher cipher, List<String> notes) {
        onMiss = new MissRecovery(backend, cipher, notes);
    }

    Optional<BlobLocation> get(ObjectId blob) {
        BlobLocation loc = blobs.get(blob);
        if (loc == null && onMiss != null && recoverAfterMiss()) {
            loc = blobs.get(blob);
        }
        return Optional.ofNullable(loc);
    }

    /** As {@link #get}, without an Optional: the backup pipeline asks this for every chunk. */
    boolean contains(ObjectId blob) {
        return blobs.containsKey(blob) || (onMiss != null && recoverAfterMiss() && blobs.containsKey(blob));
    }

    /** Reads the unindexed packs' headers the first time a lookup misses; true when that was now. */
    private synchronized boolean recoverAfterMiss() {
        MissRecovery r = onMiss;
        if (r == null) {
            return false; // another thread recovered meanwhile; its blobs are in the map now
        }
        onMiss = null;
        List<String> problems = new ArrayList<>();
        try {
            List<ObjectId> found = recoverFromPacks(r.backend(), r.cipher(), problems);
            if (!found.isEmpty()) {
                r.notes().add(found.size() + (found.size() == 1 ? " pack no readable index file lists was"
                        : " packs no readable index file lists were") + " read directly (an index file is lost or"
                        + " damaged: backup repair index writes a new index)");
            }
        } catch (IOException e) {
            problems.add("the packs could not be listed: " + e.getMessage());
        }
        r.notes().addAll(problems);
        return true;
    }

    int blobCount() {
        return blobs.size();
    }

    /** Pack id to the blobs its index entry lists, in pack id order. */
    synchronized SortedMap<ObjectId, List<PackFormat.Entry>> packs() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(packs));
    }

    /** The index file (or "pack header") that lists a pack. */
    synchronized String source(ObjectId pack) {
        return packSource.getOrDefault(pack, "nothing");
    }

    /** Readable index files, sorted. */
    List<String> files() {
        return List.copyOf(indexFiles);
    }

    /** One message per index file that could not be read. */
    List<String> damaged() {
        return List.copyOf(damaged);
    }
}
