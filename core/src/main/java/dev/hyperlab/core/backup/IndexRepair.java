package dev.hyperlab.core.backup;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code backup repair index}, as {@code restic repair index --read-all-packs}: a new index made from the headers of
 * every pack there is, replacing all index files. It mends a lost or damaged index file (the packs it listed are
 * listed again), an index that lists packs that are gone, and one that disagrees with a pack's header.
 *
 * <p>Crash-safe in the prune's order: the new index file is written, durably, before any old one is removed, so at
 * every instant each pack a readable index file listed is still listed by one. A pack whose header cannot be read
 * keeps the entry a readable index file gives it (its blobs may be intact: {@code check --read-data} tells), or is
 * left unlisted when none does; either way it is named in a note, and left in place.
 */
final class IndexRepair {
    private final Backend backend;
    private final RepositoryCipher cipher;

    IndexRepair(Backend backend, RepositoryCipher cipher) {
        this.backend = backend;
        this.cipher = cipher;
    }

    /** Repairs the index, or with {@code dryRun} only says what a repair would do. The caller holds the lock. */
    IndexRepairResult repair(boolean dryRun, List<String> notes) throws IOException {
        List<String> before = backend.list(FileKind.INDEX);
        RepositoryIndex old = RepositoryIndex.load(backend, cipher);
        SortedMap<ObjectId, List<PackFormat.Entry>> listed = old.packs();
        SortedMap<ObjectId, List<PackFormat.Entry>> packs = new TreeMap<>();
        int added = 0;
        int corrected = 0;
        for (String name : backend.list(FileKind.PACK)) {
            ObjectId id;
            try {
                id = ObjectId.parse(name);
            } catch (IllegalArgumentException e) {
                continue; // not a pack of ours: check names it
            }
            List<PackFormat.Entry> was = listed.get(id);
            try {
                List<PackFormat.Entry> header = PackReader.header(backend, cipher, name);
                packs.put(id, header);
                if (was == null) {
                    added++;
                } else if (!was.equals(header)) {
                    corrected++;
                }
            } catch (NoSuchFileException gone) {
                // listed a moment ago and gone now: nothing to list
            } catch (RepositoryException e) {
                if (was != null) {
                    packs.put(id, was);
                    notes.add(e.getMessage() + ": kept as an index file lists it (a check that reads the data tells"
                            + " whether its data is intact)");
                } else {
                    notes.add(e.getMessage() + ": left unlisted, since no index file lists it");
                }
            }
        }
        int dropped = 0;
        for (ObjectId id : listed.keySet()) {
            if (!packs.containsKey(id)) {
                dropped++;
            }
        }
        long blobs = packs.values().stream().mapToLong(List::size).sum();
        String newIndex = null;
        if (!packs.isEmpty()) {
            byte[] plain = IndexFile.encode(packs);
            newIndex = cipher.fileId(plain).hex();
            // a readable file of that name holds exactly this (a file's name is its content's hash); a damaged one
            // is overwritten
            if (!dryRun && !old.files().contains(newIndex)) {
                backend.save(FileKind.INDEX, newIndex, cipher.seal(IndexFile.AAD, plain));
            }
        }
        int replaced = 0;
        for (String name : before) {
            if (name.equals(newIndex) && old.files().contains(name)) {
                continue;
            }
            if (!dryRun && !name.equals(newIndex)) {
                backend.remove(FileKind.INDEX, name);
            }
            replaced++;
        }
        return new IndexRepairResult(packs.size(), blobs, added, corrected, dropped, replaced, notes);
    }
}
