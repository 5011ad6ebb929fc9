package dev.hyperlab.core.backup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code backup copy}: stores backups of one repository in another, as {@code restic copy} does. Blob ids are the
 * SHA-256 of the blob's content in every repository, so a blob the target already has is skipped, and the manifest
 * and map pages are stored again byte for byte; what changes is how blobs are stored: each one is read and verified
 * with the source's key, then compressed at the target's level and sealed with the target's key (or left plain when
 * the target is not encrypted).
 *
 * <p>Crash safety is the backup's own: per backup, the new packs are written first, then one index file that lists
 * them, then the manifest. A copy stopped at any point leaves the target whole (packs no index lists, which check
 * notes and prune removes, or an index whose blobs no manifest names yet), and a rerun skips the backups already
 * there and the blobs already indexed, and completes.
 */
final class Copier {
    private final Backend source;
    private final RepositoryCipher sourceCipher;
    private final BlobCodec sourceCodec;
    private final Backend target;
    private final RepositoryCipher targetCipher;
    private final BlobCodec targetCodec;
    private final int packTarget;

    Copier(Backend source, BlobCodec sourceCodec, Backend target, BlobCodec targetCodec, int packTarget) {
        this.source = source;
        this.sourceCipher = sourceCodec.cipher();
        this.sourceCodec = sourceCodec;
        this.target = target;
        this.targetCipher = targetCodec.cipher();
        this.targetCodec = targetCodec;
        this.packTarget = packTarget;
    }

    /** Copies the backups {@code ids} (full manifest names of the source), oldest first. */
    CopyResult copy(List<String> ids, List<String> notes) throws IOException {
        RepositoryIndex sourceIndex = RepositoryIndex.load(source, sourceCipher);
        RepositoryIndex targetIndex = RepositoryIndex.load(target, targetCipher);
        for (String d : targetIndex.damaged()) {
            notes.add("target: " + d + " (its blobs are stored again; run check)");
        }
        BlobReader reader = new BlobReader(source, sourceIndex, sourceCodec);
        List<Manifests.Loaded> backups = new ArrayList<>();
        for (String id : ids) {
            backups.add(Manifests.load(source, sourceCipher, id));
        }
        backups.sort(Manifests.ORDER);
        Set<String> present = new HashSet<>(target.list(FileKind.MANIFEST));

        List<CopyResult.Copied> copied = new ArrayList<>();
        long blobs = 0;
        long bytes = 0;
        int packs = 0;
        for (Manifests.Loaded backup : backups) {
            byte[] plain = Manifests.plain(source, sourceCipher, backup.id());
            String targetId = targetCipher.fileId(plain).hex();
            if (present.contains(targetId)) {
                copied.add(new CopyResult.Copied(backup.id(), targetId, true));
                continue;
            }
            Set<ObjectId> needed = new LinkedHashSet<>();
            for (Manifest.Disk disk : backup.manifest().disks()) {
                for (Manifest.MapPage page : disk.pages()) {
                    needed.add(page.blob());
                }
                for (Piece p : Manifests.pieces(backup.id(), disk, reader)) {
                    needed.add(p.blob());
                }
            }
            if (backup.manifest().files() != null) { // a file backup: its trees and the content they list
                try {
                    new Trees(sourceIndex, reader).reach(backup.manifest().files().tree(), new HashSet<>(), needed);
                } catch (RepositoryException e) {
                    throw new RepositoryException("backup " + backup.id().substring(0, 8) + " cannot be copied: "
                            + e.getMessage() + " (run check)", e);
                }
            }
            PackWriter writer = new PackWriter(packCapacity());
            SortedMap<ObjectId, List<PackFormat.Entry>> written = new TreeMap<>();
            for (ObjectId blob : needed) {
                if (targetIndex.contains(blob)) {
                    continue;
                }
                byte[] raw;
                try {
                    raw = reader.read(blob);
                } catch (RepositoryException e) {
                    throw new RepositoryException("backup " + backup.id().substring(0, 8) + " cannot be copied: "
                            + e.getMessage() + " (run check)", e);
                }
                BlobType type = sourceIndex.get(blob).orElseThrow().type();
                BlobCodec.Encoded e = targetCodec.encode(type, blob, raw);
                writer.add(type, blob, e.compressed(), raw.length, e.buf(), 0, e.length());
                blobs++;
                bytes += e.length();
                if (writer.size() >= packTarget) {
                    save(writer, written);
                }
            }
            if (writer.count() > 0) {
                save(writer, written);
            }
            packs += written.size();
            if (!written.isEmpty()) {
                byte[] index = IndexFile.encode(written);
                String name = targetCipher.fileId(index).hex();
                target.save(FileKind.INDEX, name, targetCipher.seal(IndexFile.AAD, index));
                for (Map.Entry<ObjectId, List<PackFormat.Entry>> p : written.entrySet()) {
                    targetIndex.addPack(p.getKey(), p.getValue(), name);
                }
            }
            // last: the target names the backup only once everything it needs is there
            target.save(FileKind.MANIFEST, targetId, targetCipher.seal(Manifest.AAD, plain));
            present.add(targetId);
            copied.add(new CopyResult.Copied(backup.id(), targetId, false));
        }
        return new CopyResult(copied, blobs, bytes, packs, notes);
    }

    private int packCapacity() {
        return packTarget + BlobCodec.maxStored(BackupPipeline.MAX_CHUNK);
    }

    private void save(PackWriter writer, SortedMap<ObjectId, List<PackFormat.Entry>> written) throws IOException {
        PackWriter.Finished f = writer.finish(targetCipher, new byte[packCapacity()]);
        target.save(FileKind.PACK, f.id().hex(), f.bytes(), 0, f.length());
        written.put(f.id(), f.entries());
    }
}
