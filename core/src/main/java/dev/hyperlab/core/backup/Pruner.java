package dev.hyperlab.core.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code prune --keep-last N}: forgets all but the newest N backups of each source (or, for {@code forget ID...
 * --prune}, the backups named), then removes every blob no remaining backup refers to, repacking the still-used blobs
 * of partly used packs.
 *
 * <p>The order of steps is what makes it crash-safe; at every instant each blob a remaining backup needs is in a pack
 * that exists and that a readable index file lists:
 * <ol>
 *   <li>read everything and decide (nothing changes yet; unreadable manifests or maps refuse the prune, unless the
 *       unreadable manifest is one a forget names);
 *   <li>remove the forgotten manifests (a crash here leaves unreferenced blobs, which are harmless);
 *   <li>write the repacked blobs to new packs, durably (unindexed until step 4: leftovers if it stops here);
 *   <li>write one new index file listing every pack that stays (old index files still list the old packs, so a
 *       blob is briefly listed twice, which readers accept);
 *   <li>remove the old index files;
 *   <li>remove the packs the new index does not list, and leftover temporary files.
 * </ol>
 * Blobs are verified against their ids before they are repacked; a pack holding a damaged used blob is kept whole
 * rather than dropping the damaged blob's neighbours.
 */
final class Pruner {
    private final Backend backend;
    private final RepositoryCipher cipher;
    private final BlobCodec codec;
    private final int packTarget;

    Pruner(Backend backend, RepositoryCipher cipher, BlobCodec codec, int packTarget) {
        this.backend = backend;
        this.cipher = cipher;
        this.codec = codec;
        this.packTarget = packTarget;
    }

    PruneResult prune(int keepLast, List<String> notes) throws IOException {
        return prune(all -> newestKept(all, keepLast), Set.of(), notes);
    }

    /**
     * {@code forget ID... --prune}: forgets the backups named (manifest file names, resolved by the caller), damaged ones
     * too, then removes the data only they used, in the same steps as a prune.
     */
    PruneResult forget(Set<String> names, List<String> notes) throws IOException {
        return prune(all -> all.stream().filter(l -> names.contains(l.id())).toList(), names, notes);
    }

    /**
     * Removes the manifests named, nothing else ({@code forget} without {@code --prune}): their data stays until a
     * prune finds that no backup uses it. Returns the names removed.
     */
    List<String> forgetOnly(Set<String> names) throws IOException {
        List<String> removed = new ArrayList<>();
        for (String name : new TreeSet<>(names)) {
            backend.remove(FileKind.MANIFEST, name);
            removed.add(name);
        }
        return removed;
    }

    /**
     * The steps of the class comment. {@code choose} picks, from every readable backup, the ones to forget;
     * {@code damagedToForget} names unreadable ones that go too (the only ones allowed to be unreadable).
     */
    private PruneResult prune(java.util.function.Function<List<Manifests.Loaded>, List<Manifests.Loaded>> choose,
            Set<String> damagedToForget, List<String> notes) throws IOException {
        Decision d = decide(choose, damagedToForget, notes);
        List<String> removedBackups = forget(d.forget());
        removedBackups.addAll(forgetOnly(d.damaged()));
        removedBackups.sort(null);
        Repacked r = repack(d, notes);
        NewIndex index = writeIndex(r.stay());
        removeIndexFiles(index);
        Removed removed = removeUnlisted(r.stay(), notes);
        return new PruneResult(removedBackups, d.keep().size(), r.blobsRemoved(), removed.packs(), r.packsWritten(),
                removed.bytes() - r.bytesWritten(), notes);
    }

    /**
     * What step 1 decided: the backups to forget and to keep, the index as read, and every blob a kept backup uses.
     */
    private record Decision(List<Manifests.Loaded> forget, Set<String> damaged, List<Manifests.Loaded> keep,
            RepositoryIndex index, Set<ObjectId> used) {}

    /** What step 3 left: the packs that stay (old whole ones and new ones) with their blobs, and what it did. */
    private record Repacked(SortedMap<ObjectId, List<PackFormat.Entry>> stay, int packsWritten, long blobsRemoved,
            long bytesWritten) {}

    /** Step 4's index file (null when nothing stays) and the index files there were before it. */
    private record NewIndex(String name, List<String> before) {}

    /** What step 6 removed. */
    private record Removed(int packs, long bytes) {}

    /** All but the newest {@code keepLast} backups of each source. */
    private static List<Manifests.Loaded> newestKept(List<Manifests.Loaded> all, int keepLast) {
        Map<String, List<Manifests.Loaded>> bySource = new TreeMap<>();
        for (Manifests.Loaded l : all) {
            bySource.computeIfAbsent(group(l.manifest()), k -> new ArrayList<>()).add(l);
        }
        List<Manifests.Loaded> forget = new ArrayList<>();
        for (List<Manifests.Loaded> group : bySource.values()) {
            group.sort(Manifests.NEWEST_LAST);
            forget.addAll(group.subList(0, Math.max(0, group.size() - keepLast)));
        }
        return forget;
    }

    /**
     * Step 1: reads everything and decides; changes nothing, and refuses when a manifest that stays or a map does not
     * read (its data would be removed).
     */
    private Decision decide(java.util.function.Function<List<Manifests.Loaded>, List<Manifests.Loaded>> choose,
            Set<String> damagedToForget, List<String> notes) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> damagedIds = new ArrayList<>();
        List<Manifests.Loaded> all = Manifests.loadAll(backend, cipher, problems, damagedIds);
        Set<String> damaged = new TreeSet<>();
        for (int i = 0; i < damagedIds.size(); i++) {
            if (!damagedToForget.contains(damagedIds.get(i))) {
                throw new RepositoryException("prune refused: " + problems.get(i) + " (its data would be removed; "
                        + "run check, then forget the damaged backup first)");
            }
            damaged.add(damagedIds.get(i));
        }
        List<Manifests.Loaded> forget = new ArrayList<>(choose.apply(all));
        Set<String> forgotten = new HashSet<>();
        forget.forEach(l -> forgotten.add(l.id()));
        List<Manifests.Loaded> keep = all.stream().filter(l -> !forgotten.contains(l.id())).toList();
        forget.sort(Manifests.ORDER);

        RepositoryIndex index = RepositoryIndex.load(backend, cipher);
        // packs no readable index lists may hold blobs of a damaged index file: read their headers, so nothing a
        // remaining backup needs is taken for a leftover
        List<String> headerProblems = new ArrayList<>();
        index.recoverFromPacks(backend, cipher, headerProblems);
        for (String p : headerProblems) {
            notes.add("left alone: " + p);
        }
        BlobReader reader = new BlobReader(backend, index, codec);
        Set<ObjectId> used = new HashSet<>();
        Set<ObjectId> missing = new TreeSet<>();
        Trees trees = new Trees(index, reader);
        Set<ObjectId> walked = new HashSet<>();
        for (Manifests.Loaded l : keep) {
            if (l.manifest().files() != null) {
                useTrees(l, trees, walked, used, missing, index);
            }
            for (Manifest.Disk disk : l.manifest().disks()) {
                for (Manifest.MapPage page : disk.pages()) {
                    used.add(page.blob());
                }
                List<Piece> pieces;
                try {
                    pieces = Manifests.pieces(l.id(), disk, reader);
                } catch (RepositoryException e) {
                    throw new RepositoryException("prune refused: " + e.getMessage() + " (run check)", e);
                }
                for (Piece p : pieces) {
                    used.add(p.blob());
                    if (!index.contains(p.blob())) {
                        missing.add(p.blob());
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            notes.add(missing.size() + " blob(s) that remaining backups need are missing already (run check)");
        }
        return new Decision(forget, damaged, keep, index, used);
    }

    /** Step 2: removes the forgotten manifests (a crash after it leaves unreferenced blobs, which are harmless). */
    private List<String> forget(List<Manifests.Loaded> forget) throws IOException {
        List<String> removedBackups = new ArrayList<>();
        for (Manifests.Loaded l : forget) {
            backend.remove(FileKind.MANIFEST, l.id());
            removedBackups.add(l.id());
        }
        return removedBackups;
    }

    /**
     * Step 3: keeps the packs whose blobs are all used where they are, and writes the used blobs of the others to new
     * packs, durably (not indexed until step 4).
     */
    private Repacked repack(Decision d, List<String> notes) throws IOException {
        RepositoryIndex index = d.index();
        Set<ObjectId> used = d.used();
        SortedMap<ObjectId, List<PackFormat.Entry>> stay = new TreeMap<>();
        Set<ObjectId> placed = new HashSet<>(); // blobs already in a pack that stays
        long blobsRemoved = 0;
        long bytesWritten = 0;
        SortedMap<ObjectId, List<PackFormat.Entry>> packs = index.packs();
        List<Map.Entry<ObjectId, List<PackFormat.Entry>>> partial = new ArrayList<>();
        for (Map.Entry<ObjectId, List<PackFormat.Entry>> e : packs.entrySet()) {
            boolean allUsed = true;
            for (PackFormat.Entry b : e.getValue()) {
                allUsed &= used.contains(b.id()) && isCanonical(index, e.getKey(), b);
            }
            if (allUsed) {
                stay.put(e.getKey(), e.getValue());
                e.getValue().forEach(b -> placed.add(b.id()));
            } else {
                partial.add(e);
            }
        }
        PackWriter writer = new PackWriter(packTarget + BlobCodec.maxStored(BackupPipeline.MAX_CHUNK));
        int packsWritten = 0;
        for (Map.Entry<ObjectId, List<PackFormat.Entry>> e : partial) {
            Map<PackFormat.Entry, byte[]> copy = new LinkedHashMap<>();
            boolean intact = true;
            for (PackFormat.Entry b : e.getValue()) {
                if (!used.contains(b.id()) || placed.contains(b.id())) {
                    continue;
                }
                try {
                    BlobLocation loc = new BlobLocation(e.getKey(), b.type(), b.compressed(), b.offset(),
                            b.storedLength(), b.rawLength());
                    byte[] stored = new byte[b.storedLength()];
                    backend.load(FileKind.PACK, e.getKey().hex(), b.offset(), ByteBuffer.wrap(stored));
                    codec.decode(b.id(), loc, stored, new byte[b.rawLength()],
                            cipher.encrypted() ? new byte[stored.length] : null);
                    copy.put(b, stored);
                } catch (IOException ex) {
                    notes.add("pack " + e.getKey().shortHex() + " kept whole: " + ex.getMessage());
                    intact = false;
                    break;
                }
            }
            if (!intact) {
                stay.put(e.getKey(), e.getValue());
                e.getValue().forEach(b -> placed.add(b.id()));
                continue;
            }
            for (Map.Entry<PackFormat.Entry, byte[]> c : copy.entrySet()) {
                if (placed.add(c.getKey().id())) {
                    writer.addStored(c.getKey(), c.getValue());
                    if (writer.size() >= packTarget) {
                        packsWritten++;
                        bytesWritten += save(writer, stay);
                    }
                }
            }
        }
        if (writer.count() > 0) {
            packsWritten++;
            bytesWritten += save(writer, stay);
        }
        for (Map.Entry<ObjectId, List<PackFormat.Entry>> e : packs.entrySet()) {
            if (!stay.containsKey(e.getKey())) {
                for (PackFormat.Entry b : e.getValue()) {
                    if (!used.contains(b.id())) {
                        blobsRemoved++;
                    }
                }
            }
        }
        return new Repacked(stay, packsWritten, blobsRemoved, bytesWritten);
    }

    /** Step 4: one new index file listing every pack that stays (the old ones still list theirs meanwhile). */
    private NewIndex writeIndex(SortedMap<ObjectId, List<PackFormat.Entry>> stay) throws IOException {
        List<String> oldIndexFiles = backend.list(FileKind.INDEX);
        String newIndex = null;
        if (!stay.isEmpty()) {
            byte[] plain = IndexFile.encode(stay);
            newIndex = cipher.fileId(plain).hex();
            backend.save(FileKind.INDEX, newIndex, cipher.seal(IndexFile.AAD, plain));
        }
        return new NewIndex(newIndex, oldIndexFiles);
    }

    /** Step 5: removes the index files there were before step 4's. */
    private void removeIndexFiles(NewIndex index) throws IOException {
        for (String name : index.before()) {
            if (!name.equals(index.name())) {
                backend.remove(FileKind.INDEX, name);
            }
        }
    }

    /** Step 6: removes the packs the new index does not list, and temporary files left by interrupted processes. */
    private Removed removeUnlisted(SortedMap<ObjectId, List<PackFormat.Entry>> stay, List<String> notes)
            throws IOException {
        long bytesFreed = 0;
        int packsRemoved = 0;
        for (String name : backend.list(FileKind.PACK)) {
            ObjectId id;
            try {
                id = ObjectId.parse(name);
            } catch (IllegalArgumentException e) {
                continue; // not ours: leave it
            }
            if (!stay.containsKey(id)) {
                bytesFreed += backend.stat(FileKind.PACK, name);
                backend.remove(FileKind.PACK, name);
                packsRemoved++;
            }
        }
        List<String> temps = backend.list(FileKind.TEMP);
        for (String t : temps) {
            backend.remove(FileKind.TEMP, t);
        }
        if (!temps.isEmpty()) {
            notes.add("removed " + temps.size() + " temporary file(s) left by interrupted processes");
        }
        return new Removed(packsRemoved, bytesFreed);
    }

    /**
     * The group a backup counts in for {@code --keep-last}: a VM's disk backups, or a host's file backups of one set
     * of paths (as restic groups snapshots by host and paths).
     */
    static String group(Manifest m) {
        return m.files() == null ? "vm\0" + m.source() : "files\0" + m.source() + "\0"
                + String.join("\0", m.files().paths());
    }

    /**
     * Marks every tree and content blob file backup {@code l} reaches as used; trees already walked (shared with a
     * backup walked before) are not walked again.
     *
     * @throws RepositoryException when a tree cannot be read: its blobs would otherwise be removed
     */
    private static void useTrees(Manifests.Loaded l, Trees trees, Set<ObjectId> walked, Set<ObjectId> used,
            Set<ObjectId> missing, RepositoryIndex index) throws IOException {
        Set<ObjectId> reached = new HashSet<>();
        try {
            trees.reach(l.manifest().files().tree(), walked, reached);
        } catch (RepositoryException e) {
            throw new RepositoryException("prune refused: backup " + l.id().substring(0, 8) + ": "
                    + e.getMessage() + " (run check)", e);
        }
        used.addAll(reached);
        for (ObjectId b : reached) {
            if (!index.contains(b)) {
                missing.add(b);
            }
        }
    }

    /** Whether this pack is where the index looks for this blob (a second copy elsewhere is unused). */
    private static boolean isCanonical(RepositoryIndex index, ObjectId pack, PackFormat.Entry b) {
        return index.get(b.id()).map(l -> l.pack().equals(pack)).orElse(false);
    }

    private long save(PackWriter writer, SortedMap<ObjectId, List<PackFormat.Entry>> stay) throws IOException {
        PackWriter.Finished f = writer.finish(cipher,
                new byte[packTarget + BlobCodec.maxStored(BackupPipeline.MAX_CHUNK)]);
        backend.save(FileKind.PACK, f.id().hex(), f.bytes(), 0, f.length());
        stay.put(f.id(), f.entries());
        return f.length();
    }
}
