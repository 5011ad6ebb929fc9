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

    /** Oldest first: by lab time, then by id, the same order in every run. */
    static final Comparator<Loaded> ORDER =
            Comparator.comparingLong((Loaded l) -> l.manifest().labTime()).thenComparing(Loaded::id);

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
        byte[] plain = cipher.open(Manifest.AAD, backend.load(FileKind.MANIFEST, name), what + " manifest");
        if (!cipher.fileId(plain).hex().equals(name)) {
            throw new RepositoryException(what + " is damaged: its manifest does not match its name");
        }
        return new Loaded(name, Manifest.decode(plain, what + " manifest"));
    }

    /** The pieces of one disk, from its map pages. */
    static List<Piece> pieces(Manifest.Disk disk, BlobReader reader) throws IOException {
        List<Piece> pieces = new ArrayList<>();
        for (Manifest.MapPage page : disk.pages()) {
            pieces.addAll(DiskMap.decodePage(reader.read(page.blob()), page.index() * DiskMap.PAGE,
                    "map page " + page.blob().shortHex()));
        }
        return pieces;
    }
}
