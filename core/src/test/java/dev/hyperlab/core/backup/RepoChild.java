package dev.hyperlab.core.backup;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A separate process for the crash and concurrency tests: runs one backup or prune on a repository and, when asked,
 * stops at the Nth step of the backend's write sequence, says so on stdout and waits to be killed with SIGKILL.
 *
 * <pre>
 * RepoChild backup|dedup|prune|files REPO IMAGE|KEEP|PATH LABTIME VM PAUSE_AT
 * </pre>
 *
 * {@code files} backs up PATH (a file backup of host VM) and prints each warning as {@code WARNING ...}.
 *
 * Prints {@code PAUSED n step} when it stops, {@code STEPS n} and {@code DONE} when it finishes.
 */
public final class RepoChild {
    /** Small packs, so that small test disks still give several pack files (and kill points between them). */
    static final int PACK = 1 << 20;

    private RepoChild() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        long labTime = Long.parseLong(args[3]);
        String vm = args[4];
        long pauseAt = Long.parseLong(args[5]);
        AtomicLong steps = new AtomicLong();
        LocalBackend.Hook hook = step -> {
            long n = steps.incrementAndGet();
            if (n == pauseAt) {
                System.out.println("PAUSED " + n + " " + step);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        BackupRepository repo = BackupRepository.open(dir, new LocalBackend(dir, hook), Optional.empty())
                .packTarget(PACK);
        switch (mode) {
            case "backup" -> repo.run(new FullStrategy(), TestDisks.source(vm, Path.of(args[2]), labTime));
            case "dedup" -> repo.run(new DedupStrategy(), TestDisks.source(vm, Path.of(args[2]), labTime));
            case "prune" -> repo.prune(Integer.parseInt(args[2]));
            case "files" -> {
                FileBackupResult r = repo.backupFiles(vm, java.util.List.of(args[2]), "/", java.util.List.of(),
                        labTime, labTime, false);
                r.warnings().forEach(w -> System.out.println("WARNING " + w));
                System.out.println("BACKUP " + r.backup().id());
            }
            case "hostfiles" -> { // args[2]: a raw disk image holding an ext file system with /data
                try (var disk = dev.hyperlab.core.storage.DiskImages.open(Path.of(args[2]), true)) {
                    FileBackupResult r = repo.backupFiles(vm, dev.hyperlab.core.storage.fs.HostDiskFiles.of(
                            java.util.Map.of("disk0", disk)), java.util.List.of("/data"), java.util.List.of(),
                            java.util.Map.of("kind", "host-files"), labTime, false);
                    System.out.println("BACKUP " + r.backup().id());
                }
            }
            default -> throw new IllegalArgumentException(mode);
        }
        System.out.println("STEPS " + steps.get());
        System.out.println("DONE");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** Starts a child JVM with the test class path. */
    static Process start(String... args) throws java.io.IOException {
        return start(java.util.List.of(), java.util.Map.of(), args);
    }

    /**
     * Starts a child JVM with the test class path, its command line prefixed by {@code wrapper} (setpriv ...) and
     * {@code env} added to its environment.
     */
    static Process start(java.util.List<String> wrapper, java.util.Map<String, String> env, String... args)
            throws java.io.IOException {
        return startJvm(RepoChild.class, wrapper, env, args);
    }

    /** Starts {@code main} in a child JVM with the test class path, its stderr merged into its stdout. */
    static Process startJvm(Class<?> main, String... args) throws java.io.IOException {
        return startJvm(main, java.util.List.of(), java.util.Map.of(), args);
    }

    private static Process startJvm(Class<?> main, java.util.List<String> wrapper, java.util.Map<String, String> env,
            String... args) throws java.io.IOException {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        java.util.List<String> cmd = new java.util.ArrayList<>(wrapper);
        cmd.addAll(java.util.List.of(javaBin, "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb.start();
    }
}
