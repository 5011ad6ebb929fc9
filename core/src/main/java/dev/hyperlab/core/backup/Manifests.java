package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.PriorBackup;
import dev.hyperlab.api.spi.PriorDisk;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads manifests and the disk maps they name. */
final class Manifests {
    private Manifests() {}

    /** A manifest with its id. */
    record Loaded(String id, Manifest manifest) {
        PriorBackup prior() {
            return new PriorBackup(id, manifest.source(), manifest.strategy(), manifest.labTime(),
                    manifest.disks().stream()
                            .map(d -> new PriorDisk(d.name(), d.format(), d.virtualSize()))
                            .toList());
        }
    }

    /**
     * Oldest first: by lab time, then (file backups taken at one lab time) by wall-clock time, then by id, the same
     * order in every run.
     */
    static final Comparator<Loaded> ORDER = Comparator.comparingLong((Loaded l) -> l.manifest().labTime())
            .thenComparingLong(l -> l.manifest().files() == null ? 0 : l.manifest().files().time())
            .thenComparing(Loaded::id);

    /**
     * Within one source's backups, oldest first: by lab time for a VM's (the lab's clock), by wall-clock time for a
     * host's file backups (which may come from labs whose clocks differ).
     */
    static final Comparator<Loaded> NEWEST_LAST = Comparator.comparingLong((Loaded l) -> l.manifest().files() == null
            ? l.manifest().labTime() : l.manifest().files().time()).thenComparing(Loaded::id);

    /** Every readable manifest, oldest first; one message per unreadable one in {@code problems}. */
    static List<Loaded> loadAll(Backend backend, RepositoryCipher cipher, List<String> problems,
            List<String> damagedIds) throws IOException {
        List<Loaded> out = new ArrayList<>();
        for (String name : backend.list(FileKind.MANIFEST)) {
            try {
                out.add(load(backend, cipher, name));
            } catch (NoSuchFileException gone) {
                // forgotten by a prune between listing and reading
            } catch (RepositoryException e) {
                problems.add(e.getMessage());
                damagedIds.add(name);
            }
        }
        out.sort(ORDER);
        return out;
    }

    static Loaded load(Backend backend, RepositoryCipher cipher, String name) throws IOException {
        String what = "backup " + name.substring(0, Math.min(8, name.length()));
        return new Loaded(name, Manifest.decode(plain(backend, cipher, name), what + " manifest"));
    }

    /**
     * The manifest's plaintext, checked against its name: what a copy stores again, byte for byte, under the target's
     * key (blob ids are the same in every repository, so the manifest needs no rewriting).
     */
    static byte[] plain(Backend backend, RepositoryCipher cipher, String name) throws IOException {
        String what = "backup " + name.substring(0, Math.min(8, name.length()));
        byte[] plain = cipher.open(Manifest.AAD, backend.load(FileKind.MANIFEST, name), what + " manifest");
        if (!cipher.fileId(plain).hex().equals(name)) {
            throw new RepositoryException(what + " is damaged: its manifest does not match its name");
        }
        return plain;
    }

    /** How messages name disk {@code disk} of backup {@code id}. */
    static String describe(String id, Manifest.Disk disk) {
        return "backup " + id.substring(0, Math.min(8, id.length())) + " disk " + disk.name();
    }

    /**
     * The pieces of disk {@code disk} of backup {@code id}, from its map pages, checked against its manifest.
     *
     * @throws RepositoryException naming the backup and disk when a page cannot be read or the map contradicts the
     *     manifest
     */
    static List<Piece> pieces(String id, Manifest.Disk disk, BlobReader reader) throws IOException {
        String what = describe(id, disk);
        List<Piece> pieces = new ArrayList<>();
        for (Manifest.MapPage page : disk.pages()) {
            try {
                pieces.addAll(DiskMap.decodePage(reader.read(page.blob()), page.index() * DiskMap.PAGE,
                        "map page " + page.blob().shortHex()));
            } catch (RepositoryException e) {
                throw new RepositoryException(what + ": " + e.getMessage(), e);
            }
        }
        DiskMap.checkAgainst(disk, pieces, true, what);
        return pieces;
    }
}
