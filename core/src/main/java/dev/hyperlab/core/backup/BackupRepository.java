package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.PriorBackup;
import dev.hyperlab.core.hostfs.FileSource;
import dev.hyperlab.core.hostfs.HostFs;
import dev.hyperlab.core.storage.DiskImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backup repository in a directory: the entry point for the {@code backup} commands and the engine.
 *
 * <pre>{@code
 * BackupRepository repo = BackupRepository.init(dir, Optional.empty());
 * BackupResult r = repo.run(new FullStrategy(), new BackupSource("web1", List.of(new SourceImage("vda", image)),
 *         Map.of("vcpus", 2), labTimeNanos));
 * RestoreResult restored = repo.restore(r.id(), "vda", Path.of("/tmp/vda.raw"));
 * BackupCheckReport report = repo.check(true);
 * }</pre>
 *
 * <p>The object holds no lock and no open files between calls, so a long-lived shell can keep it; each operation
 * takes the repository lock for its duration (shared for backup, restore and check, exclusive for prune) and rereads
 * the index, so it sees what other processes added meanwhile. Operations on one instance may run from several threads.
 *
 * <p>Layers, as in restic: a five-verb {@link Backend} stores files; this class and its helpers (pipeline, packs,
 * index, manifests, lock, check, prune, restore) implement the repository on top. See docs/backup.md for the format.
 */
public final class BackupRepository {
    /** zstd level of new repositories: the ratio that keeps repositories at or below restic's size. */
    public static final int DEFAULT_COMPRESSION_LEVEL = 3;
    /** The id that names the newest backup, as in {@code restic restore latest}. */
    public static final String LATEST = "latest";

    /** The local directory, or null for a repository in object storage. */
    private final Path dir;
    /** Where the repository is, as errors name it: the directory, or the {@code s3:} location. */
    private final String where;
    private final Backend backend;
    private final RepositoryConfig config;
    private final RepositoryCipher cipher;
    /** Blob bytes per pack; tests lower it to get many packs from small disks. */
    private volatile int packTarget = BackupPipeline.PACK_TARGET;
    private volatile FileBackup.Hook fileHook = FileBackup.Hook.NONE;
    /**
     * Whether incremental file backups stat entries ahead on a second thread (FileBackup): off unless the system
     * property {@code hyperlab.files.statAhead=on} asks. Quiet, on a local ext4 disk, the thread cost wall time and CPU
     * (unchanged second backup of /usr/share, 3 rotating rounds: 1.39-1.67 s and 2.49-2.80 CPU-s with it, 1.34-1.37 s
     * and 2.30-2.35 without; docs/performance.md): there a statx is too cheap to hand over. It is for file systems
     * whose stat waits (network ones); the backups are the same either way.
     */
    private volatile boolean statAhead = "on".equals(System.getProperty("hyperlab.files.statAhead"));
    /** The time locks carry and expire by (the wall clock: locks are about real processes, not the lab). */
    private volatile Clock clock = Clock.systemUTC();
    /** Index files read by {@link #openAhead(Path, char[], boolean)} for the first index load, or null. */
    private final java.util.concurrent.atomic.AtomicReference<
            CompletableFuture<RepositoryIndex.Ahead>> indexAhead =
            new java.util.concurrent.atomic.AtomicReference<>();

    private BackupRepository(Path dir, String where, Backend backend, RepositoryConfig config,
            RepositoryCipher cipher) {
        this.dir = dir;
        this.where = where;
        this.backend = backend;
        this.config = config;
        this.cipher = cipher;
    }

    /**
     * Creates a repository in {@code dir}, which must not exist or be an empty directory; encrypted when a password is
     * given (Argon2id with {@link KdfParams#DEFAULT}, zstd level {@value #DEFAULT_COMPRESSION_LEVEL}).
     *
     * @throws RepositoryException when {@code dir} is not empty or the password is empty
     */
    public static BackupRepository init(Path dir, Optional<char[]> password) throws IOException {
        return init(dir, password, KdfParams.DEFAULT, DEFAULT_COMPRESSION_LEVEL);
    }

    /** {@link #init(Path, Optional)} with explicit key-derivation cost and compression level (1 to 19). */
    public static BackupRepository init(Path dir, Optional<char[]> password, KdfParams kdf, int compressionLevel)
            throws IOException {
        checkInitArguments(password, compressionLevel);
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new RepositoryException(dir + " exists and is not a directory");
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                if (s.iterator().hasNext()) {
                    throw new RepositoryException(dir + " is not empty (a repository needs a new or empty directory)");
                }
            }
        }
        LocalBackend.createLayout(dir);
        return create(dir, dir.toString(), new LocalBackend(dir), password, kdf, compressionLevel);
    }

    /**
     * Creates a repository in an S3 bucket ({@code s3:http://HOST:PORT/BUCKET/PREFIX}), which must exist and hold no
     * repository under the prefix yet.
     */
    public static BackupRepository init(S3Backend backend, Optional<char[]> password, KdfParams kdf,
            int compressionLevel) throws IOException {
        checkInitArguments(password, compressionLevel);
        backend.requireBucket();
        String where = backend.location().toString();
        if (!backend.list(FileKind.CONFIG).isEmpty() || !backend.list(FileKind.KEY).isEmpty()) {
            throw new RepositoryException(where + " already holds a repository (a repository needs a new place)");
        }
        return create(null, where, backend, password, kdf, compressionLevel);
    }

    private static BackupRepository create(Path dir, String where, Backend backend, Optional<char[]> password,
            KdfParams kdf, int compressionLevel) throws IOException {
        RepositoryCipher cipher = RepositoryCipher.plain();
        if (password.isPresent()) {
            byte[] master = new byte[64];
            new SecureRandom().nextBytes(master);
            byte[] key = KeyFile.create(password.get(), master, kdf);
            backend.save(FileKind.KEY, ObjectId.sha256(key).hex(), key);
            cipher = RepositoryCipher.of(master);
        }
        RepositoryConfig config = RepositoryConfig.create(cipher, compressionLevel);
        // written last: a place with a config is a whole repository
        backend.save(FileKind.CONFIG, "config", config.encode());
        return new BackupRepository(dir, where, backend, config, cipher);
    }

    private static void checkInitArguments(Optional<char[]> password, int compressionLevel) throws RepositoryException {
        if (compressionLevel < 1 || compressionLevel > 19) {
            throw new RepositoryException("compression level " + compressionLevel + " is outside 1..19");
        }
        if (password.isPresent() && password.get().length == 0) {
            throw new RepositoryException("empty password (give one, or leave the repository unencrypted)");
        }
    }

    /**
     * Opens the repository in {@code dir}.
     *
     * @throws RepositoryException when it is not a repository, is damaged, needs a password that was not given, or the
     *     password is wrong
     */
    public static BackupRepository open(Path dir, Optional<char[]> password) throws IOException {
        if (!Files.isRegularFile(dir.resolve(FileKind.CONFIG.dir()))) {
            throw new RepositoryException(dir + " is not a backup repository (no config file; create one with backup"
                    + " init)");
        }
        Begun ahead = AHEAD.remove(dir.toAbsolutePath().normalize()); // begun for this absolute path only
        if (ahead != null && ahead.sameAs(password)) {
            try {
                return ahead.repository().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RepositoryException refused) {
                    throw refused; // a wrong password, a damaged key: what this open would find, in the same words
                }
                // anything else (a read that failed) is tried again below, and reported as an open reports it
            } catch (CancellationException e) {
                // not begun after all: opened below
            }
        }
        return open(dir, new LocalBackend(dir), password);
    }

    /**
     * How many index entries name a blob another entry already names: blobs stored twice, which a backup that did not
     * see another's index would add. For tests: a byte count cannot tell them from new trees of directories above the
     * backed-up paths (/tmp changes while tests run).
     */
    long blobsStoredTwice() throws IOException {
        RepositoryIndex index = RepositoryIndex.load(backend, cipher);
        long entries = 0;
        for (List<PackFormat.Entry> e : index.packs().values()) {
            entries += e.size();
        }
        return entries - index.blobCount();
    }

    /**
     * The index for reading existing backups' trees and data (ls, diff, restore): a blob no readable index file lists
     * is looked for in the packs no index file lists, as a disk restore and check do, since a lost or damaged index
     * file leaves its packs intact (without it, ls and restore said "blob ... is missing: no index lists it" for data
     * that is there, and check advised forgetting intact backups). {@code notes} gets a line when packs were found
     * that way.
     */
    private RepositoryIndex loadIndexForReading(List<String> notes) throws IOException {
        RepositoryIndex index = loadIndex();
        index.recoverOnMiss(backend, cipher, notes);
        return index;
    }

    /** The index, from the files read ahead of the lock where {@link #openAhead} read them (taken once). */
    private RepositoryIndex loadIndex() throws IOException {
        CompletableFuture<RepositoryIndex.Ahead> ahead = indexAhead.getAndSet(null);
        RepositoryIndex.Ahead read = RepositoryIndex.Ahead.NONE;
        if (ahead != null) {
            try {
                read = ahead.join();
            } catch (CompletionException | CancellationException e) {
                // read now instead, and reported as a load reports it
            }
        }
        return RepositoryIndex.load(backend, cipher, read);
    }

    /** Tests: whether an open of {@code dir} is begun ahead and not yet taken. */
    static boolean begunAhead(Path dir) {
        return AHEAD.containsKey(dir.toAbsolutePath().normalize());
    }

    /** Tests: the index files being read ahead, or null when none are (or they were taken). */
    CompletableFuture<?> indexAhead() {
        return indexAhead.get();
    }

    /**
     * An open begun by {@link #openAhead}: the password it was begun with (null: none, for a repository without keys),
     * and the repository when it is done.
     */
    private record Begun(char[] password, CompletableFuture<BackupRepository> repository) {
        /** Whether an open with {@code given} is the one this was begun for: the same password, or none for none. */
        boolean sameAs(Optional<char[]> given) {
            return given.isPresent() ? password != null && Arrays.equals(password, given.get()) : password == null;
        }
    }

    /** Opens begun ahead, by absolute directory; each is taken (and forgotten) by the first matching open. */
    private static final Map<Path, Begun> AHEAD = new ConcurrentHashMap<>();

    /**
     * Begins opening the encrypted repository in {@code dir} on a daemon thread, for a command that is about to open
     * it with {@code password}: the key's derivation (Argon2id, 64 MiB) then runs while the caller still starts up (the
     * shell: while it opens the lab). The next {@link #open(Path, Optional)} of the same directory with the same
     * password takes the repository so opened, which is what it would have opened itself a moment later (an instance
     * keeps nothing of the repository but its config and key); when the repository refused it (a wrong password),
     * that open reports it so; any other failure is tried again there. Nothing is begun when there is no repository
     * in {@code dir}.
     */
    public static void openAhead(Path dir, char[] password) {
        openAhead(dir, password, false);
    }

    /**
     * {@link #openAhead(Path, char[])}, and with {@code index} the index files read, opened, checked and decoded after
     * the key on the same thread, for a command that will load the index (a backup, a restore, a listing of files):
     * its first load under the lock takes those still listed (index files are named by their content and never
     * change) and reads the rest.
     */
    public static void openAhead(Path dir, char[] password, boolean index) {
        if (password.length > 0) {
            openAhead(dir, Optional.of(password), index);
        }
    }

    /**
     * {@link #openAhead(Path, char[], boolean)}, and with no password for an unencrypted repository: its open has no
     * key to derive, but a backup, restore or file listing still reads and decodes its index, which is then read here.
     * Without a password nothing is begun when the repository has key files (it is encrypted: the command asks for a
     * password, and an open with one does not take an open begun without).
     */
    public static void openAhead(Path dir, Optional<char[]> password, boolean index) {
        Path key = dir.toAbsolutePath().normalize();
        if (password.isPresent() && password.get().length == 0
                || !Files.isRegularFile(key.resolve(FileKind.CONFIG.dir()))
                || password.isEmpty() && hasEntries(key.resolve(FileKind.KEY.dir()))) {
            return;
        }
        Optional<char[]> pw = password.map(char[]::clone);
        CompletableFuture<BackupRepository> repository = new CompletableFuture<>();
        if (AHEAD.putIfAbsent(key, new Begun(pw.orElse(null), repository)) != null) {
            return;
        }
        Thread.ofPlatform().daemon().name("repository-key").start(() -> {
            BackupRepository opened;
            try {
                opened = open(key, new LocalBackend(key), pw);
            } catch (IOException | RuntimeException | Error e) {
                repository.completeExceptionally(e);
                return;
            }
            CompletableFuture<RepositoryIndex.Ahead> read = new CompletableFuture<>();
            if (index) {
                opened.indexAhead.set(read);
            }
            repository.complete(opened);
            if (index) {
                try {
                    read.complete(RepositoryIndex.readAhead(opened.backend, opened.cipher));
                } catch (IOException | RuntimeException | Error e) {
                    read.completeExceptionally(e);
                }
            }
        });
    }

    /** Whether the directory {@code dir} exists and holds anything (unreadable counts as holding: nothing begun). */
    private static boolean hasEntries(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return entries.iterator().hasNext();
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    static BackupRepository open(Path dir, Backend backend, Optional<char[]> password) throws IOException {
        return open(dir, dir.toString(), backend, password);
    }

    /**
     * Opens the repository in an S3 bucket.
     *
     * @throws RepositoryException as {@link #open(Path, Optional)}, and when the server cannot be reached, the bucket
     *     does not exist or the credentials are refused
     */
    public static BackupRepository open(S3Backend backend, Optional<char[]> password) throws IOException {
        String where = backend.location().toString();
        backend.requireBucket();
        if (backend.list(FileKind.CONFIG).isEmpty()) {
            throw new RepositoryException(where + " is not a backup repository (no config file; create one with backup"
                    + " init)");
        }
        return open(null, where, backend, password);
    }

    private static BackupRepository open(Path dir, String where, Backend backend, Optional<char[]> password)
            throws IOException {
        RepositoryConfig config = RepositoryConfig.decode(backend.load(FileKind.CONFIG, "config"),
                "config of repository " + where);
        List<String> keys = backend.list(FileKind.KEY);
        if (!config.encrypted()) {
            requireNoKeys(where, keys);
            if (password.isPresent()) {
                throw new RepositoryException("repository " + where + " is not encrypted, yet a password was given: if it"
                        + " was created encrypted, its config and keys were changed (an encryption downgrade); open it"
                        + " without a password to read it as it is");
            }
            return new BackupRepository(dir, where, backend, config, RepositoryCipher.plain());
        }
        if (password.isEmpty()) {
            throw new RepositoryException("repository " + where + " is encrypted: a password is needed");
        }
        if (keys.size() > MAX_KEY_FILES) {
            throw new RepositoryException("cannot open repository " + where + ": it has " + keys.size() + " key files,"
                    + " and hyperlab tries at most " + MAX_KEY_FILES + " (it writes one per repository)");
        }
        List<String> refused = new ArrayList<>();
        for (String name : keys) {
            String what = "key file " + name.substring(0, Math.min(8, name.length()));
            Optional<KeyFile.Opened> opened;
            try {
                byte[] file = backend.load(FileKind.KEY, name);
                if (!ObjectId.sha256(file).hex().equals(name)) {
                    throw new RepositoryException(what + " is damaged");
                }
                opened = KeyFile.open(file, password.get(), what);
            } catch (RepositoryException e) {
                refused.add(e.getMessage());
                continue;
            }
            if (opened.isPresent()) {
                RepositoryCipher cipher = RepositoryCipher.of(opened.get().master());
                requireAuthentic(where, config, cipher, opened.get().configAuthenticated());
                return new BackupRepository(dir, where, backend, config, cipher);
            }
        }
        if (!refused.isEmpty()) {
            throw new RepositoryException("cannot open repository " + where + ": " + refused.getFirst()
                    + (refused.size() < keys.size() ? " and the password opens no other key" : ""));
        }
        if (keys.isEmpty()) {
            throw new RepositoryException("repository " + where + " is damaged: it is encrypted but has no key file");
        }
        throw new RepositoryException("wrong password for repository " + where);
    }

    /** Key files are tried one derivation each; hyperlab writes one per repository, so a few are plenty. */
    static final int MAX_KEY_FILES = 8;

    /**
     * An unencrypted repository has no key files: where there are some, the config was changed to say "none" (an
     * encryption downgrade), and nothing may be read as plaintext from it, or written as plaintext into it.
     */
    private static void requireNoKeys(String where, List<String> keys) throws RepositoryException {
        if (!keys.isEmpty()) {
            throw new RepositoryException("repository " + where + " has key files, yet its config says it is not"
                    + " encrypted: the config was changed (an encryption downgrade); refusing it");
        }
    }

    /**
     * The config of an encrypted repository must verify with its key. One without a MAC is accepted only when its key
     * is of the kind written before configs were authenticated (a key cannot be turned into that kind without the
     * password); its settings then say "encrypted", which the key confirms.
     */
    private static void requireAuthentic(String where, RepositoryConfig config, RepositoryCipher cipher,
            boolean keyRequiresMac) throws RepositoryException {
        if (!config.mac().isEmpty()) {
            if (!config.authenticatedBy(cipher)) {
                throw new RepositoryException("config of repository " + where + " does not verify with its key: it was"
                        + " changed by someone without the password; refusing it");
            }
        } else if (keyRequiresMac) {
            throw new RepositoryException("config of repository " + where + " is not authenticated, though its key says"
                    + " it must be: it was changed by someone without the password; refusing it");
        }
    }

    /**
     * Checked again before every write, under the lock: a repository this object opened as unencrypted gets no
     * plaintext written into it once key files exist (a repository created encrypted never accepts plaintext).
     */
    private void requireWritable() throws IOException {
        if (!cipher.encrypted()) {
            requireNoKeys(where, backend.list(FileKind.KEY));
        }
    }

    /** Sets the blob bytes per pack file (tests only: small packs give many packs from small disks). */
    /** Tests: makes faults of a live system happen at given points of file backups. */
    BackupRepository fileHook(FileBackup.Hook hook) {
        this.fileHook = hook;
        return this;
    }

    /** Tests: off, a file backup's walk stats every entry on its own thread (the trees must be the same). */
    BackupRepository statAhead(boolean allowed) {
        this.statAhead = allowed;
        return this;
    }

    BackupRepository packTarget(int bytes) {
        this.packTarget = bytes;
        return this;
    }

    /** Sets the clock locks are written and judged by (tests only: they move it instead of waiting). */
    BackupRepository clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** The repository's directory, or null for a repository in object storage (see {@link #location()}). */
    public Path directory() {
        return dir;
    }

    /** Where the repository is: its directory, or its {@code s3:} location. */
    public String location() {
        return where;
    }

    /** Whether blobs and metadata are encrypted. */
    public boolean encrypted() {
        return config.encrypted();
    }

    /** The zstd level new blobs are compressed with. */
    public int compressionLevel() {
        return config.compressionLevel();
    }

    /**
     * Backs up {@code source} with {@code strategy}. On success the new backup is durable and every disk's
     * changed-block tracker is restarted at it; on failure nothing is recorded, trackers are untouched, and the
     * blobs already written are reused by the next backup (or removed by prune).
     *
     * @throws RepositoryException when the repository is locked by a prune or the strategy misuses its sinks
     * @throws IOException when a disk cannot be read or the repository written
     */
    public BackupResult run(BackupStrategy strategy, BackupSource source) throws IOException {
        if (strategy.id() == null || !strategy.id().matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new RepositoryException("bad strategy id: " + strategy.id());
        }
        for (SourceImage s : source.disks()) {
            if (s.image().virtualSize() > DiskMap.MAX_DISK) {
                throw new RepositoryException("disk " + s.name() + " is " + s.image().virtualSize() + " bytes, more than"
                        + " a backup can describe (" + DiskMap.MAX_DISK + ")");
            }
        }
        List<String> warnings = new ArrayList<>();
        String id;
        Manifest manifest;
        int packs;
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "backup of " + source.name(), clock)) {
            requireWritable();
            warnings.addAll(lock.removedStale());
            RepositoryIndex index = loadIndex();
            for (String d : index.damaged()) {
                warnings.add(d + " (its blobs are stored again; run check)");
            }
            List<String> problems = new ArrayList<>();
            List<Manifests.Loaded> manifests = Manifests.loadAll(backend, cipher, problems, new ArrayList<>());
            warnings.addAll(problems);
            Map<String, Manifest> byId = new HashMap<>();
            manifests.forEach(l -> byId.put(l.id(), l.manifest()));
            List<PriorBackup> priors = manifests.stream().filter(l -> l.manifest().files() == null)
                    .map(Manifests.Loaded::prior).toList();

            try (BlobCodec codec = new BlobCodec(cipher, config.compressionLevel());
                    BackupPipeline pipeline = new BackupPipeline(backend, index, codec, packTarget)) {
                BlobReader reader = new BlobReader(backend, index, codec);
                Map<String, List<Piece>> cache = new HashMap<>();
                DiskRecorder.PriorMaps maps = (backupId, diskName) -> {
                    String key = backupId + "/" + diskName;
                    List<Piece> cached = cache.get(key);
                    if (cached != null) {
                        return cached;
                    }
                    Manifest m = byId.get(backupId);
                    Manifest.Disk disk = m == null ? null : m.disks().stream()
                            .filter(d -> d.name().equals(diskName)).findFirst().orElse(null);
                    if (disk == null) {
                        throw new IllegalArgumentException("backup " + backupId + " has no disk " + diskName);
                    }
                    List<Piece> pieces = Manifests.pieces(backupId, disk, reader);
                    cache.put(key, pieces);
                    return pieces;
                };
                List<ImageDisk> disks = new ArrayList<>();
                for (SourceImage s : source.disks()) {
                    disks.add(new ImageDisk(s));
                }
                BackupRun run = new BackupRun(source.name(), disks, priors, pipeline, index, maps);
                try {
                    strategy.backup(run);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new RepositoryException("strategy " + strategy.id() + " failed: " + e.getMessage(), e);
                }
                pipeline.drain();
                for (DiskRecorder r : run.recorders()) {
                    // a strategy that leaves data out would make a backup that restores zeros in its place and
                    // that check calls sound: refuse it, as a strategy's nonsense answers are refused
                    long[] out = r.leftOut();
                    if (out != null) {
                        throw new RepositoryException("strategy " + strategy.id() + " failed: it left out "
                                + out[0] + " bytes of disk " + r.disk().name() + "'s data (the first at offset "
                                + out[1] + "), which would restore as zeros; no backup was written");
                    }
                }
                List<Manifest.Disk> mdisks = new ArrayList<>();
                TreeSet<String> parents = new TreeSet<>();
                for (DiskRecorder r : run.recorders()) {
                    List<Piece> pieces = r.pieces();
                    long data = 0;
                    for (Piece p : pieces) {
                        data += p.length();
                    }
                    List<Manifest.MapPage> pages = new ArrayList<>();
                    List<List<Piece>> paged = DiskMap.paginate(pieces, r.disk().virtualSize());
                    for (int k = 0; k < paged.size(); k++) {
                        if (paged.get(k).size() > DiskMap.MAX_PAGE_PIECES) {
                            throw new RepositoryException("strategy " + strategy.id() + " failed: disk "
                                    + r.disk().name() + " has " + paged.get(k).size() + " pieces in GiB " + k
                                    + ", more than a disk map holds (" + DiskMap.MAX_PAGE_PIECES + ", one per 512"
                                    + " bytes)");
                        }
                        if (!paged.get(k).isEmpty()) {
                            pages.add(new Manifest.MapPage(k, pipeline.storeMeta(BlobType.MAP, 
                                    DiskMap.encodePage(k * DiskMap.PAGE, paged.get(k)))));
                        }
                    }
                    parents.addAll(r.parents());
                    mdisks.add(new Manifest.Disk(r.disk().name(), r.disk().format(), r.disk().virtualSize(), data,
                            pieces.size(), pages));
                }
                SortedMap<ObjectId, List<PackFormat.Entry>> written = pipeline.finish();
                packs = written.size();
                manifest = new Manifest(source.name(), strategy.id(), source.labTime(), List.copyOf(parents),
                        source.config(), mdisks, run.notes(), pipeline.bytesRead(), pipeline.blobsAdded(),
                        pipeline.bytesAdded(), null);
                byte[] plain = manifest.encode();
                id = cipher.fileId(plain).hex();
                backend.save(FileKind.MANIFEST, id, cipher.seal(Manifest.AAD, plain));
            }
        }
        // the backup is durable: only now may the trackers forget what changed before it
        List<String> restarted = new ArrayList<>();
        for (SourceImage s : source.disks()) {
            if (s.tracker().isPresent()) {
                try {
                    s.tracker().get().restart(id);
                    restarted.add(s.name());
                } catch (IOException e) {
                    warnings.add("disk " + s.name() + ": changed-block tracking not restarted (" + e.getMessage()
                            + "); the next incremental backup counts from the previous one");
                }
            }
        }
        return new BackupResult(manifest.info(id), packs, restarted, warnings);
    }

    // ---- file backups ---------------------------------------------------------------------------------------------

    /**
     * Backs up files of this machine: {@code paths} (relative to {@code cwd} unless absolute; {@code \xNN} stands for a
     * byte) and everything below them, except what an {@code excludes} pattern ({@link PathPattern}) matches. The
     * newest file backup of {@code host} with the same paths (else the newest of any paths) is the parent: files it
     * holds unchanged are not read again. With
     * {@code dryRun} nothing is read or written: the result says what a backup would read.
     *
     * @param host the machine's name: the backup's source, which groups its backups for prune and parents
     * @param labTime the lab's time, for ordering among the lab's backups
     * @param time the wall-clock time in nanoseconds since the epoch (file backups are of the real machine)
     * @throws RepositoryException for a path that does not exist, a bad pattern or host name, a locked repository
     */
    public FileBackupResult backupFiles(String host, List<String> paths, String cwd, List<String> excludes,
            long labTime, long time, boolean dryRun) throws IOException {
        checkHost(host);
        try (HostFs fs = HostFs.open()) {
            return backupFiles(host, fs, FileSelection.of(fs, paths, cwd), excludes, Map.of(), labTime, time, dryRun);
        }
    }

    /**
     * Backs up files of another file tree than this machine's: {@code paths} (absolute) of {@code files}, a lab host's
     * file systems as its disk images hold them. As {@link #backupFiles(String, List, String, List, long, long,
     * boolean)}, and the backup's configuration is {@code config} (what it is of: its {@code kind} and host); the
     * parent is the newest file backup of the same {@code host} and {@code kind}, of the same paths where there is
     * one. {@code time} is the lab's.
     */
    public FileBackupResult backupFiles(String host, FileSource files, List<String> paths, List<String> excludes,
            Map<String, Object> config, long time, boolean dryRun) throws IOException {
        checkHost(host);
        for (String p : paths) {
            if (p == null || !p.startsWith("/")) {
                throw new RepositoryException("path " + DiskNames.quote(p) + " is not absolute (start it with /)");
            }
        }
        return backupFiles(host, files, FileSelection.of(files, paths, "/"), excludes, config, time, time, dryRun);
    }

    private static void checkHost(String host) throws RepositoryException {
        if (host == null || host.isBlank() || host.length() > 128 || host.chars().anyMatch(Character::isISOControl)) {
            throw new RepositoryException("bad host name " + DiskNames.quote(host));
        }
    }

    private FileBackupResult backupFiles(String host, FileSource fs, FileSelection selection, List<String> excludes,
            Map<String, Object> config, long labTime, long time, boolean dryRun) throws IOException {
        List<PathPattern> patterns = PathPattern.compileAll(excludes);
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "file backup of " + host, clock)) {
            if (!dryRun) {
                requireWritable();
            }
            List<String> warnings = new ArrayList<>(lock.removedStale());
            RepositoryIndex index = loadIndex();
            for (String d : index.damaged()) {
                warnings.add(d + " (its blobs are stored again; run check)");
            }
            List<Manifests.Loaded> all = Manifests.loadAll(backend, cipher, warnings, new ArrayList<>());
            // the parent: the newest of the host's file backups of the same paths, as restic picks it (one of other
            // paths holds none of these files where the walk looks for them: backing up /etc and /home in turn read
            // both whole every time); without one, the newest of any paths, which may share some
            Manifests.Loaded parent = null;
            Manifests.Loaded samePaths = null;
            for (Manifests.Loaded l : all) {
                if (l.manifest().files() != null && l.manifest().source().equals(host)
                        && java.util.Objects.equals(l.manifest().config().get("kind"), config.get("kind"))) {
                    if (parent == null || l.manifest().files().time() >= parent.manifest().files().time()) {
                        parent = l;
                    }
                    if (l.manifest().files().paths().equals(selection.paths()) && (samePaths == null
                            || l.manifest().files().time() >= samePaths.manifest().files().time())) {
                        samePaths = l;
                    }
                }
            }
            if (samePaths != null) {
                parent = samePaths;
            }
            try (BlobCodec codec = new BlobCodec(cipher, this.config.compressionLevel());
                    BackupPipeline pipeline = dryRun ? null
                            : new BackupPipeline(backend, index, codec, packTarget)) {
                Trees old = parent == null ? null : new Trees(index, new BlobReader(backend, index, codec));
                // the parent's directories keep their names when it listed each of them whole (FileBackup)
                Manifest.FileSet was = parent == null ? null : parent.manifest().files();
                long parentTime = was != null && was.leftOut() == 0 && was.paths().equals(selection.paths())
                        && was.excludes().equals(excludes) ? was.time() : Long.MIN_VALUE;
                FileBackup walk = new FileBackup(fs, pipeline, index, old, patterns, fileHook, parentTime)
                        .statAhead(statAhead);
                FileBackup.Outcome out = walk.run(selection, parent == null ? null
                        : parent.manifest().files().tree());
                warnings.addAll(out.warnings());
                List<String> parents = parent == null ? List.of() : List.of(parent.id());
                if (dryRun) {
                    Manifest m = new Manifest(host, "files", labTime, parents, config, List.of(), List.of(),
                            0, 0, 0, new Manifest.FileSet(ObjectId.sha256(new byte[0]), selection.paths(),
                            excludes, time, out.counts(), out.leftOut()));
                    return new FileBackupResult(m.info(""), 0, out.bytesToRead(), 0, out.leftOut(), warnings);
                }
                pipeline.drain();
                ObjectId root = out.root().id;
                int packs = pipeline.finish().size();
                Manifest manifest = new Manifest(host, "files", labTime, parents, config, List.of(), List.of(),
                        out.bytesRead(), pipeline.blobsAdded(), pipeline.bytesAdded(),
                        new Manifest.FileSet(root, selection.paths(), List.copyOf(excludes), time, out.counts(),
                                out.leftOut()));
                byte[] plain = manifest.encode();
                String id = cipher.fileId(plain).hex();
                backend.save(FileKind.MANIFEST, id, cipher.seal(Manifest.AAD, plain));
                return new FileBackupResult(manifest.info(id), out.bytesRead(), 0, packs, out.leftOut(), warnings);
            }
        }
    }

    /**
     * The entries of file backup {@code idOrPrefix} at {@code path} ({@code /} for the root; names as {@code backup ls}
     * shows them): a directory's entries (with {@code recursive}, everything below it, depth first), or the one entry
     * that is not a directory.
     *
     * @throws RepositoryException when the backup is a disk backup, the path is not in it, or its trees are damaged
     */
    public List<FileListing> listFiles(String idOrPrefix, String path, boolean recursive) throws IOException {
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "ls", clock);
                BlobCodec codec = new BlobCodec(cipher, config.compressionLevel())) {
            Manifests.Loaded backup = Manifests.load(backend, cipher, resolve(idOrPrefix));
            Manifest.FileSet files = fileSet(backup);
            RepositoryIndex index = loadIndexForReading(new ArrayList<>());
            Trees trees = new Trees(index, new BlobReader(backend, index, codec));
            List<byte[]> names = FileListings.names(path);
            List<FileListing> out = new ArrayList<>();
            FileListings.list(trees, files.tree(), names, recursive, out);
            return out;
        }
    }

    /**
     * What differs from file backup {@code fromId} to file backup {@code toId} (ids, prefixes or {@value #LATEST}), as
     * {@code restic diff}: entries added, removed, modified, of changed metadata or type, in path order.
     *
     * @throws RepositoryException when either is not a file backup, or their trees are damaged
     */
    public FileDiffResult diffFiles(String fromId, String toId) throws IOException {
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "diff", clock);
                BlobCodec codec = new BlobCodec(cipher, config.compressionLevel())) {
            Manifests.Loaded from = Manifests.load(backend, cipher, resolve(fromId));
            Manifests.Loaded to = Manifests.load(backend, cipher, resolve(toId));
            ObjectId a = fileSet(from).tree();
            ObjectId b = fileSet(to).tree();
            RepositoryIndex index = loadIndexForReading(new ArrayList<>());
            return FileDiffs.diff(new Trees(index, new BlobReader(backend, index, codec))::load, from.id(), a, to.id(),
                    b);
        }
    }

    /** Tests: the tree of directory {@code path} in file backup {@code idOrPrefix}, as stored. */
    ObjectId treeAt(String idOrPrefix, String path) throws IOException {
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "ls", clock);
                BlobCodec codec = new BlobCodec(cipher, config.compressionLevel())) {
            Manifests.Loaded backup = Manifests.load(backend, cipher, resolve(idOrPrefix));
            RepositoryIndex index = loadIndex();
            Trees trees = new Trees(index, new BlobReader(backend, index, codec));
            ObjectId id = fileSet(backup).tree();
            for (byte[] name : FileListings.names(path)) {
                ObjectId next = null;
                for (TreeNode n : trees.load(id)) {
                    if (java.util.Arrays.equals(n.name(), name)) {
                        next = n.subtree();
                    }
                }
                if (next == null) {
                    throw new RepositoryException("no directory " + path + " in backup " + backup.id());
                }
                id = next;
            }
            return id;
        }
    }

    /**
     * Restores file backup {@code idOrPrefix} into directory {@code target}: a new directory (its parent must exist)
     * or an empty one; with {@code overwrite}, an existing directory whose entries of the same names are replaced
     * (directories in the way are kept). With {@code includes}, only the entries a pattern matches, everything below
     * a matching directory, and the directories above them. Paths are recreated below the target as they are in the
     * backup ({@code TARGET/usr/share/...}).
     *
     * @throws RepositoryException when the backup is a disk backup, the target is in the way, or a pattern is bad
     */
    public FileRestoreResult restoreFiles(String idOrPrefix, String target, List<String> includes, boolean overwrite)
            throws IOException {
        List<PathPattern> patterns = PathPattern.compileAll(includes);
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "restore", clock);
                BlobCodec codec = new BlobCodec(cipher, config.compressionLevel());
                HostFs fs = HostFs.open()) {
            Manifests.Loaded backup = Manifests.load(backend, cipher, resolve(idOrPrefix));
            Manifest.FileSet files = fileSet(backup);
            List<String> notes = new ArrayList<>(lock.removedStale());
            RepositoryIndex index = loadIndexForReading(notes);
            BlobReader reader = new BlobReader(backend, index, codec);
            Trees trees = new Trees(index, reader);
            trees.load(files.tree()); // a backup whose root cannot be read creates nothing
            int fd = FileListings.openTarget(fs, target, overwrite);
            try {
                FileRestoreResult r = new FileRestorer(fs, index, reader, trees, patterns, overwrite)
                        .restore(backup.id(), files.tree(), fd, target);
                if (notes.isEmpty()) {
                    return r;
                }
                List<String> w = new ArrayList<>(notes);
                w.addAll(r.warnings());
                return new FileRestoreResult(r.backupId(), r.target(), r.files(), r.directories(), r.others(),
                        r.links(), r.bytesWritten(), r.leftOut(), r.damaged(), w);
            } finally {
                fs.close(fd);
            }
        }
    }

    /**
     * What {@link #restoreFiles} would restore, changing nothing: the selected entries counted ({@code bytesWritten}
     * is their data bytes).
     */
    public FileRestoreResult planRestoreFiles(String idOrPrefix, String target, List<String> includes)
            throws IOException {
        List<PathPattern> patterns = PathPattern.compileAll(includes);
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "restore", clock);
                BlobCodec codec = new BlobCodec(cipher, config.compressionLevel())) {
            Manifests.Loaded backup = Manifests.load(backend, cipher, resolve(idOrPrefix));
            Manifest.FileSet files = fileSet(backup);
            RepositoryIndex index = loadIndexForReading(new ArrayList<>());
            Trees trees = new Trees(index, new BlobReader(backend, index, codec));
            long[] counts = new long[4];
            FileListings.count(trees, files.tree(), new ArrayList<>(), patterns, patterns.isEmpty(), counts);
            return new FileRestoreResult(backup.id(), target, counts[0], counts[1], counts[2], 0, counts[3], 0,
                    List.of(), List.of());
        }
    }

    private static Manifest.FileSet fileSet(Manifests.Loaded backup) throws RepositoryException {
        Manifest.FileSet files = backup.manifest().files();
        if (files == null) {
            throw new RepositoryException("backup " + backup.id().substring(0, 8) + " is a backup of VM "
                    + backup.manifest().source() + "'s disks, not of files (restore it with {restore.path} or {restoreAsVm.name})");
        }
        return files;
    }

    /** Every readable backup, oldest first (by lab time, then id); {@link #list(List)} also names the unreadable. */
    public List<BackupInfo> list() throws IOException {
        return list(new ArrayList<>());
    }

    /**
     * Every readable backup, oldest first (by lab time, then id), adding to {@code unreadable} one line for each backup
     * whose manifest cannot be read (damaged, or written with another key): a listing must not pass over them in
     * silence, as if they had never been made.
     */
    public List<BackupInfo> list(List<String> unreadable) throws IOException {
        List<Manifests.Loaded> all = Manifests.loadAll(backend, cipher, unreadable, new ArrayList<>());
        return all.stream().map(l -> l.manifest().info(l.id())).toList();
    }

    /**
     * The backup whose id is {@code idOrPrefix} or starts with it (at least 4 hex digits).
     *
     * @throws RepositoryException when none or several match
     */
    public BackupInfo info(String idOrPrefix) throws IOException {
        Manifests.Loaded l = Manifests.load(backend, cipher, resolve(idOrPrefix));
        return l.manifest().info(l.id());
    }

    /**
     * The full ids of the backups {@code idsOrPrefixes} name, sorted; a backup whose manifest is damaged is found by its
     * file name all the same.
     *
     * @throws RepositoryException when one matches no backup or several
     */
    public Set<String> ids(List<String> idsOrPrefixes) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String p : idsOrPrefixes) {
            names.add(resolve(p));
        }
        return names;
    }

    /**
     * The full id of backup {@code idOrPrefix}: an id, a unique prefix of at least 4 hex digits, or {@value #LATEST}
     * (as restic has it): the newest readable backup, the one {@link #list()} lists last.
     */
    private String resolve(String idOrPrefix) throws IOException {
        String p = idOrPrefix == null ? "" : idOrPrefix.strip().toLowerCase(java.util.Locale.ROOT);
        if (p.equals(LATEST)) {
            List<Manifests.Loaded> all = Manifests.loadAll(backend, cipher, new ArrayList<>(), new ArrayList<>());
            if (all.isEmpty()) {
                throw new RepositoryException("no backup in " + where + " yet, so none is latest");
            }
            return all.getLast().id();
        }
        if (p.length() < 4 || !p.matches("[0-9a-f]+")) {
            throw new RepositoryException("bad backup id: " + idOrPrefix + " (at least 4 hex digits, or " + LATEST
                    + ")");
        }
        List<String> matches = backend.list(FileKind.MANIFEST).stream().filter(n -> n.startsWith(p)).toList();
        if (matches.isEmpty()) {
            throw new RepositoryException("no backup " + idOrPrefix + " in " + where + " (see backup list)");
        }
        if (matches.size() > 1) {
            throw new RepositoryException("backup id " + idOrPrefix + " is ambiguous: " + matches.size()
                    + " backups start with it");
        }
        return matches.getFirst();
    }

    /**
     * Restores disk {@code disk} of backup {@code idOrPrefix} into a new sparse raw file at {@code path} (which must
     * not exist): byte-identical to the backed-up disk, its holes left holes. When the repository is damaged the
     * intact parts are restored and the result names the rest; the result is then not {@code complete()}.
     */
    public RestoreResult restore(String idOrPrefix, String disk, Path path) throws IOException {
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "restore", clock)) {
            Manifests.Loaded backup = Manifests.load(backend, cipher, resolve(idOrPrefix));
            Manifest.Disk d = disk(backup, disk);
            return restore(backup, d, () -> RestoreTarget.newRawFile(path, d.virtualSize()), lock.removedStale());
        }
    }

    /**
     * Restores into an open image of at least the disk's size (for instance a new qcow2 image): data written, ranges
     * that are holes in the backup zeroed where the image holds data, then the image flushed.
     */
    public RestoreResult restore(String idOrPrefix, String disk, DiskImage target) throws IOException {
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "restore", clock)) {
            Manifests.Loaded backup = Manifests.load(backend, cipher, resolve(idOrPrefix));
            Manifest.Disk d = disk(backup, disk);
            requireFits(target, backup, d);
            return restore(backup, d, () -> RestoreTarget.image(target), lock.removedStale());
        }
    }

    /**
     * Restores onto a machine's own disk (a bare-metal restore), {@link #restore(String, String, DiskImage)} with the
     * disk's first {@code headBytes} zeroed first and written last ({@link BootLastTarget}), and only when every other
     * byte was restored: a restore cut short or incomplete leaves the disk unbootable. The result's warnings say so
     * when the head was held back.
     */
    public RestoreResult restoreBootLast(String idOrPrefix, String disk, DiskImage target, int headBytes)
            throws IOException {
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "restore", clock)) {
            Manifests.Loaded backup = Manifests.load(backend, cipher, resolve(idOrPrefix));
            Manifest.Disk d = disk(backup, disk);
            requireFits(target, backup, d);
            BootLastTarget[] opened = new BootLastTarget[1];
            RestoreResult r = restore(backup, d, () -> opened[0] = BootLastTarget.open(target, headBytes),
                    lock.removedStale());
            if (!r.complete()) {
                List<String> warnings = new ArrayList<>(r.warnings());
                warnings.add("disk " + disk + ": its first " + headBytes + " bytes (partition table, boot code) were "
                        + "left zero, since the restore is incomplete: it does not boot");
                return new RestoreResult(r.backupId(), r.disk(), r.virtualSize(), r.bytesWritten(), r.damaged(),
                        warnings);
            }
            opened[0].commit();
            return r;
        }
    }

    /** Refuses a target image smaller than the backup's disk {@code d}. */
    private static void requireFits(DiskImage target, Manifests.Loaded backup, Manifest.Disk d)
            throws RepositoryException {
        if (target.virtualSize() < d.virtualSize()) {
            throw new RepositoryException(target.path() + " is " + dev.hyperlab.api.lab.Sizes.format(target.virtualSize())
                    + ", smaller than disk " + d.name() + " of backup " + backup.id().substring(0, 8) + " ("
                    + dev.hyperlab.api.lab.Sizes.format(d.virtualSize()) + ")");
        }
    }

    /** Opens a restore's target, once its disk map has been read and found consistent. */
    @FunctionalInterface
    private interface TargetOpener {
        RestoreTarget open() throws IOException;
    }

    private RestoreResult restore(Manifests.Loaded backup, Manifest.Disk d, TargetOpener opener, List<String> notes)
            throws IOException {
        List<String> warnings = new ArrayList<>(notes);
        RepositoryIndex index = loadIndexForReading(warnings);
        for (String damaged : index.damaged()) {
            warnings.add(damaged);
        }
        try (BlobCodec codec = new BlobCodec(cipher, config.compressionLevel())) {
            Restorer restorer = new Restorer(backend, index, codec);
            Restorer.DiskMapRead map = restorer.readMap(backup.id(), d);
            try (RestoreTarget target = opener.open()) {
                return restorer.restore(backup.id(), d, map, target, warnings);
            }
        }
    }

    private static Manifest.Disk disk(Manifests.Loaded backup, String disk) throws RepositoryException {
        if (backup.manifest().files() != null) {
            throw new RepositoryException("backup " + backup.id().substring(0, 8) + " is a file backup, not of a VM's"
                    + " disks (restore it with {restoreFiles.directory})");
        }
        return backup.manifest().disks().stream().filter(x -> x.name().equals(disk)).findFirst()
                .orElseThrow(() -> new RepositoryException("backup " + backup.id().substring(0, 8) + " has no disk "
                        + disk + " (it has " + String.join(", ", backup.manifest().disks().stream()
                        .map(Manifest.Disk::name).toList()) + ")"));
    }

    /**
     * Checks the repository's structure and, with {@code readData}, every blob. Never changes anything but stale
     * locks.
     */
    public BackupCheckReport check(boolean readData) throws IOException {
        try (RepositoryLock lock = RepositoryLock.acquire(backend, false, "check", clock);
                BlobCodec codec = new BlobCodec(cipher, config.compressionLevel())) {
            return new Checker(backend, cipher, codec).check(readData, new ArrayList<>(lock.removedStale()));
        }
    }

    /**
     * A new index from the headers of every pack, replacing all index files, as {@code restic repair index}: what a lost
     * or damaged index file listed is listed again, packs that are gone are no longer listed. With {@code dryRun},
     * changes nothing and says what it would do.
     *
     * @throws RepositoryException when another process uses the repository or it cannot be written
     */
    public IndexRepairResult repairIndex(boolean dryRun) throws IOException {
        try (RepositoryLock lock = RepositoryLock.acquire(backend, !dryRun, "repair index", clock)) {
            if (!dryRun) {
                requireWritable();
            }
            return new IndexRepair(backend, cipher).repair(dryRun, new ArrayList<>(lock.removedStale()));
        }
    }

    /**
     * Forgets all but the newest {@code keepLast} backups of each source and removes the data only they used.
     *
     * @throws RepositoryException when {@code keepLast} is below 1, another process uses the repository, or a backup
     *     cannot be read (prune would otherwise remove its data)
     */
    public PruneResult prune(int keepLast) throws IOException {
        if (keepLast < 1) {
            throw new RepositoryException("a prune must keep at least 1 backup, not " + keepLast);
        }
        try (RepositoryLock lock = RepositoryLock.acquire(backend, true, "prune", clock);
                BlobCodec codec = new BlobCodec(cipher, config.compressionLevel())) {
            requireWritable();
            return new Pruner(backend, cipher, codec, packTarget).prune(keepLast, new ArrayList<>(lock.removedStale()));
        }
    }

    /**
     * Forgets backups {@code idsOrPrefixes}, as {@code restic forget ID...}: their manifests go, damaged ones too (the
     * way to drop a backup that check reports unreadable). With {@code prune}, the data only they used is removed in
     * the same crash-safe steps as {@link #prune}; without, it stays until a prune. Every id is resolved before
     * anything is removed.
     *
     * @throws RepositoryException when an id matches no backup or several, another process uses the repository, or
     *     (with {@code prune}) a backup that stays cannot be read
     */
    public PruneResult forget(List<String> idsOrPrefixes, boolean prune) throws IOException {
        if (idsOrPrefixes.isEmpty()) {
            throw new RepositoryException("name the backups to forget (backup list shows their ids)");
        }
        Set<String> names = ids(idsOrPrefixes);
        try (RepositoryLock lock = RepositoryLock.acquire(backend, true, "forget", clock);
                BlobCodec codec = new BlobCodec(cipher, config.compressionLevel())) {
            requireWritable();
            Pruner pruner = new Pruner(backend, cipher, codec, packTarget);
            List<String> notes = new ArrayList<>(lock.removedStale());
            if (prune) {
                return pruner.forget(names, notes);
            }
            List<String> removed = pruner.forgetOnly(names);
            int kept = backend.list(FileKind.MANIFEST).size();
            return new PruneResult(removed, kept, 0, 0, 0, 0, notes);
        }
    }

    /**
     * Copies backups {@code idsOrPrefixes} (all when empty) into {@code target}, as {@code restic copy}: blobs the
     * target has are skipped, the rest re-encoded with the target's key and compression; backups the target has
     * already are reported, not copied again. Every id is resolved before anything is written.
     *
     * @throws RepositoryException when both are the same repository, an id matches no backup or several, or a backup
     *     cannot be read whole
     */
    public CopyResult copyTo(BackupRepository target, List<String> idsOrPrefixes) throws IOException {
        if (sameAs(target)) {
            throw new RepositoryException("cannot copy repository " + where + " into itself (name two different"
                    + " repositories)");
        }
        TreeSet<String> ids = new TreeSet<>();
        if (idsOrPrefixes.isEmpty()) {
            ids.addAll(backend.list(FileKind.MANIFEST));
        }
        for (String p : idsOrPrefixes) {
            ids.add(resolve(p));
        }
        try (RepositoryLock from = RepositoryLock.acquire(backend, false, "copy to " + target.where, clock);
                RepositoryLock to = RepositoryLock.acquire(target.backend, false, "copy from " + where,
                        target.clock);
                BlobCodec sourceCodec = new BlobCodec(cipher, config.compressionLevel());
                BlobCodec targetCodec = new BlobCodec(target.cipher, target.config.compressionLevel())) {
            target.requireWritable();
            List<String> notes = new ArrayList<>(from.removedStale());
            notes.addAll(to.removedStale());
            return new Copier(backend, sourceCodec, target.backend, targetCodec, target.packTarget)
                    .copy(List.copyOf(ids), notes);
        }
    }

    /** Whether {@code other} is this repository, perhaps reached by another path. */
    private boolean sameAs(BackupRepository other) throws IOException {
        if (dir != null && other.dir != null) {
            return Files.isSameFile(dir, other.dir);
        }
        return where.equals(other.where);
    }

    /** The repository's locks, with stale ones marked. */
    public List<LockInfo> locks() throws IOException {
        return RepositoryLock.list(backend, clock);
    }

    /** Removes stale locks (expired, or of processes that are provably gone); returns one message per lock removed. */
    public List<String> unlock() throws IOException {
        return RepositoryLock.removeStale(backend, clock);
    }
}
