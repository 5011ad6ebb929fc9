package dev.hyperlab.core.backup;

import dev.hyperlab.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The repository's {@code config} file: what a reader must know before reading anything else. It carries a SHA-256
 * of its other fields, so damage is reported as damage rather than misread as settings. An encrypted repository's
 * config also carries a MAC of its settings under a key derived from the master key (as restic binds its config to
 * the master key), so nobody without the password can change them: not to {@code "encryption": "none"}, nor anything
 * else.
 *
 * @param version format version (1)
 * @param encrypted whether blobs and metadata are sealed with AES-256-GCM
 * @param compressionLevel the zstd level new blobs are compressed with, 1 to 19
 * @param mac the MAC of the settings in hex; empty in a plain repository's config and in an encrypted one's written
 *     before configs were authenticated
 */
record RepositoryConfig(int version, boolean encrypted, int compressionLevel, String mac) {
    static final int VERSION = 1;
    private static final String FORMAT = "hyperlab-backup";
    private static final Set<String> FIELDS =
            Set.of("format", "version", "encryption", "compression", "compressionLevel", "mac", "checksum");

    /** The config of a new repository: an encrypted one's with the MAC of its settings under {@code cipher}'s key. */
    static RepositoryConfig create(RepositoryCipher cipher, int compressionLevel) {
        RepositoryConfig unsigned = new RepositoryConfig(VERSION, cipher.encrypted(), compressionLevel, "");
        return cipher.encrypted() ? unsigned.withMac(cipher.configMac(unsigned.settings())) : unsigned;
    }

    private RepositoryConfig withMac(String mac) {
        return new RepositoryConfig(version, encrypted, compressionLevel, mac);
    }

    /** The bytes the MAC covers: the settings as canonical JSON (keys sorted). */
    private byte[] settings() {
        return Json.write(settingsJson());
    }

    private Map<String, Object> settingsJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("version", version);
        json.put("encryption", encrypted ? "aes-256-gcm" : "none");
        json.put("compression", "zstd");
        json.put("compressionLevel", compressionLevel);
        return json;
    }

    /** Whether this config carries a MAC that {@code cipher}'s key verifies. */
    boolean authenticatedBy(RepositoryCipher cipher) {
        return !mac.isEmpty() && MessageDigest.isEqual(mac.getBytes(StandardCharsets.US_ASCII),
                cipher.configMac(settings()).getBytes(StandardCharsets.US_ASCII));
    }

    byte[] encode() {
        Map<String, Object> json = settingsJson();
        if (!mac.isEmpty()) {
            json.put("mac", mac);
        }
        json.put("checksum", ObjectId.sha256(Json.write(json)).hex());
        return Json.write(json);
    }

    static RepositoryConfig decode(byte[] data, String what) throws RepositoryException {
        Map<?, ?> json = DocumentFields.object(DocumentFields.parse(data, what), what);
        if (!FORMAT.equals(json.get("format"))) {
            throw new RepositoryException(what + " is not a hyperlab backup repository's config");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : json.entrySet()) {
            if (!FIELDS.contains(e.getKey())) {
                throw new RepositoryException(what + " has an unknown field " + DiskNames.quote((String) e.getKey()));
            }
            if (!"checksum".equals(e.getKey())) {
                body.put((String) e.getKey(), e.getValue());
            }
        }
        String sum = DocumentFields.field(json, "checksum", String.class, what);
        if (!sum.equals(ObjectId.sha256(Json.write(body)).hex())) {
            throw new RepositoryException(what + " is damaged: its checksum does not match its content");
        }
        long version = DocumentFields.longField(json, "version", what);
        if (version != VERSION) {
            throw new RepositoryException(what + " has format version " + version + "; this hyperlab reads version "
                    + VERSION);
        }
        String enc = DocumentFields.field(json, "encryption", String.class, what);
        if (!enc.equals("none") && !enc.equals("aes-256-gcm")) {
            throw new RepositoryException(what + " names an unknown encryption: " + DiskNames.quote(enc));
        }
        if (!"zstd".equals(json.get("compression"))) {
            throw new RepositoryException(what + " names an unknown compression: "
                    + DiskNames.quote(String.valueOf(json.get("compression"))));
        }
        long level = DocumentFields.longField(json, "compressionLevel", what);
        if (level < 1 || level > 19) {
            throw new RepositoryException(what + " names compression level " + level + ", outside 1..19");
        }
        String mac = json.containsKey("mac") ? DocumentFields.field(json, "mac", String.class, what) : "";
        if (!mac.isEmpty() && !mac.matches("[0-9a-f]{64}")) {
            throw new RepositoryException(what + " is damaged: its MAC is not 64 hex digits");
        }
        boolean encrypted = enc.equals("aes-256-gcm");
        if (!encrypted && json.containsKey("mac")) {
            throw new RepositoryException(what + " says the repository is not encrypted yet carries the MAC only an"
                    + " encrypted repository's config has: it was changed (an encryption downgrade); refusing it");
        }
        return new RepositoryConfig((int) version, encrypted, (int) level, mac);
    }

    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.UTF_8);
    }
}
