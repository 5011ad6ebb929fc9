package dev.hyperlab.core.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Crafts hostile repositories the way an attacker with write access to the repository directory would: every file it
 * changes is re-named by the hash of its new bytes (manifests, key files) or has its checksum recomputed (config), so
 * name and checksum checks pass and only the checks of what the files say can catch them.
 */
public final class HostileRepos {
    private HostileRepos() {}

    /**
     * Rewrites manifest {@code id} of the unencrypted repository {@code dir} through {@code edit} (which gets the parsed
     * JSON, mutable), saves it under the SHA-256 of its new bytes and removes the old file. Returns the new backup id.
     */
    @SuppressWarnings("unchecked")
    public static String editManifest(Path dir, String id, Consumer<Map<String, Object>> edit) throws IOException {
        Path file = dir.resolve("backups").resolve(id);
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readAllBytes(file), "manifest");
        edit.accept(json);
        byte[] bytes = Json.write(json);
        String forged = ObjectId.sha256(bytes).hex();
        Files.write(dir.resolve("backups").resolve(forged), bytes);
        if (!forged.equals(id)) {
            Files.delete(file);
        }
        return forged;
    }

    /** Disk {@code i} of a parsed manifest, mutable. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> disk(Map<String, Object> manifest, int i) {
        return (Map<String, Object>) ((List<Object>) manifest.get("disks")).get(i);
    }

    /** The map pages of disk {@code i} of a parsed manifest, mutable. */
    @SuppressWarnings("unchecked")
    public static List<Object> pages(Map<String, Object> manifest, int i) {
        return (List<Object>) disk(manifest, i).get("pages");
    }

    /**
     * Rewrites the repository's config through {@code edit} (which gets the fields without the checksum) and
     * recomputes its unkeyed checksum, as the encryption downgrade of issue 13 did.
     */
    @SuppressWarnings("unchecked")
    public static void editConfig(Path dir, Consumer<Map<String, Object>> edit) throws IOException {
        Path file = dir.resolve("config");
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readAllBytes(file), "config");
        json.remove("checksum");
        edit.accept(json);
        json.put("checksum", ObjectId.sha256(Json.write(json)).hex());
        Files.write(file, Json.write(json));
    }

    /**
     * Rewrites the repository's only key file through {@code edit} and re-names it by the SHA-256 of its new bytes.
     * Returns the new file.
     */
    @SuppressWarnings("unchecked")
    public static Path editKeyFile(Path dir, Consumer<Map<String, Object>> edit) throws IOException {
        List<Path> keys = RepoFiles.under(dir, "keys");
        if (keys.size() != 1) {
            throw new IllegalStateException("expected one key file, found " + keys.size());
        }
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readAllBytes(keys.getFirst()), "key");
        edit.accept(json);
        return addKeyFile(dir, Json.write(json), keys.getFirst());
    }

    /** Saves {@code bytes} as a key file named by their hash, removing {@code replaced} unless it is null. */
    static Path addKeyFile(Path dir, byte[] bytes, Path replaced) throws IOException {
        Path forged = dir.resolve("keys").resolve(ObjectId.sha256(bytes).hex());
        Files.write(forged, bytes);
        if (replaced != null && !replaced.equals(forged)) {
            Files.delete(replaced);
        }
        return forged;
    }

    /**
     * A key file of the format hyperlab wrote before configs were authenticated: the 64 bytes of master key material
     * alone under the key Argon2id derives from {@code password}.
     */
    static byte[] legacyKeyFile(char[] password, byte[] master, KdfParams kdf) {
        byte[] salt = new byte[16];
        byte[] kek = Argon2id.derive(password, salt, kdf);
        byte[] sealingKey = java.util.Arrays.copyOf(kek, 64);
        byte[] sealed = RepositoryCipher.of(sealingKey).seal("hyperlab key".getBytes(StandardCharsets.US_ASCII), master);
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("kdf", "argon2id");
        json.put("memoryKiB", kdf.memoryKiB());
        json.put("iterations", kdf.iterations());
        json.put("parallelism", kdf.parallelism());
        json.put("salt", java.util.Base64.getEncoder().encodeToString(salt));
        json.put("sealed", java.util.Base64.getEncoder().encodeToString(sealed));
        return Json.write(json);
    }

    /**
     * Stores a crafted map page in the unencrypted repository {@code dir}: the pieces of page {@code fromHex} with
     * {@code edit} applied to the list of {@code Piece}s (offset, length, blob, offset in blob), in a new pack that a
     * new index file lists, as a real backup stores its pages. Returns the new page's blob id.
     */
    static String craftMapPage(Path dir, String fromHex, long pageStart, Consumer<List<Piece>> edit)
            throws IOException {
        LocalBackend backend = new LocalBackend(dir);
        RepositoryIndex index = RepositoryIndex.load(backend, RepositoryCipher.plain());
        try (BlobCodec codec = new BlobCodec(RepositoryCipher.plain(), 3)) {
            List<Piece> pieces = new ArrayList<>(DiskMap.decodePage(
                    new BlobReader(backend, index, codec).read(ObjectId.parse(fromHex)), pageStart, "map page"));
            edit.accept(pieces);
            try (BackupPipeline pipeline = new BackupPipeline(backend, index, codec, BackupPipeline.PACK_TARGET)) {
                ObjectId id = pipeline.storeMeta(BlobType.MAP, DiskMap.encodePage(pageStart, pieces));
                pipeline.finish();
                return id.hex();
            }
        }
    }
}
