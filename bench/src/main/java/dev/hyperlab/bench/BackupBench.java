package dev.hyperlab.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 7's benchmark: hyperlab's backup repository beside restic and BorgBackup on the reference images, in one run.
 *
 * <pre>
 * bench/backup-bench.sh [IMAGE_DIR]       (builds, then runs this class)
 * </pre>
 *
 * <p>With no IMAGE_DIR it builds base.raw and day2.raw with shared/bench/make-disk-images.sh in a temporary
 * directory. hyperlab runs in a child JVM with {@code -Xmx256m} ({@link BackupBenchChild}); restic and borg run as
 * processes with fresh repositories, caches and config in a temporary directory (restic's cache is on, in that
 * directory, as a user would have it: a local repository gains nothing from {@code --no-cache} and the first backup
 * of a new repository has an empty cache either way). All three read the images from a warm page cache: the images
 * were just written or read. Times are wall-clock; CPU utilisation is CPU time over wall time over the cores.
 */
public final class BackupBench {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private BackupBench() {}

    /** One measured operation. */
    record Timing(double seconds, double cpuSeconds, long peakHeap) {
        String cpu() {
            return cpuSeconds < 0 ? "?" : String.format(Locale.ROOT, "%.0f%%", 100 * cpuSeconds / seconds / CORES);
        }
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("hyperlab-backup-bench");
        Path images = args.length > 0 ? Path.of(args[0]) : work.resolve("images");
        if (!Files.isRegularFile(images.resolve("base.raw")) || !Files.isRegularFile(images.resolve("day2.raw"))) {
            Path script = findScript();
            System.out.println("building reference images with " + script + " ...");
            mustRun(List.of("bash", script.toString(), images.toString()), Map.of(), work);
        }
        Path base = images.resolve("base.raw");
        Path day2 = images.resolve("day2.raw");
        warm(base);
        warm(day2);

        // ---- hyperlab (child JVM, -Xmx256m) ----
        Map<String, Timing> h = new LinkedHashMap<>();
        Map<String, Long> repo = new LinkedHashMap<>();
        List<String> info = new ArrayList<>();
        Path hwork = Files.createDirectories(work.resolve("hyperlab"));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), BackupBenchChild.class.getName(), images.toString(),
                hwork.toString()).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "RESULT" -> h.put(f[1], new Timing(Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                            Long.parseLong(f[5])));
                    case "REPO" -> repo.put(f[1], Long.parseLong(f[2]));
                    default -> info.add(line);
                }
            }
        }
        if (child.waitFor() != 0) {
            info.forEach(System.out::println);
            throw new IllegalStateException("hyperlab's run failed");
        }
        deleteTree(hwork);

        // ---- restic ----
        Path rdir = work.resolve("restic");
        Map<String, String> renv = Map.of("RESTIC_PASSWORD", "bench", "RESTIC_REPOSITORY", rdir.resolve("repo").toString(),
                "XDG_CACHE_HOME", rdir.resolve("cache").toString());
        Optional<Timing> resticFull = Optional.empty();
        Optional<Timing> resticDay2 = Optional.empty();
        Optional<Timing> resticRestore = Optional.empty();
        long resticRepo = -1;
        if (has("restic")) {
            Files.createDirectories(rdir);
            mustRun(List.of("restic", "init", "-q"), renv, images);
            resticFull = Optional.of(timed(List.of("restic", "backup", "-q", "base.raw"), renv, images));
            resticRepo = BackupBenchChild.sizeOf(rdir.resolve("repo"));
            resticDay2 = Optional.of(timed(List.of("restic", "backup", "-q", "day2.raw"), renv, images));
            resticRestore = Optional.of(timed(List.of("restic", "restore", "latest", "-q", "--target",
                    rdir.resolve("restored").toString()), renv, images));
            deleteTree(rdir);
        }
        // ---- borg ----
        Path bdir = work.resolve("borg");
        Map<String, String> benv = Map.of("BORG_PASSPHRASE", "bench", "BORG_BASE_DIR", bdir.resolve("base").toString(),
                "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK", "yes");
        Optional<Timing> borgFull = Optional.empty();
        Optional<Timing> borgDay2 = Optional.empty();
        long borgRepo = -1;
        if (has("borg")) {
            Files.createDirectories(bdir);
            String r = bdir.resolve("repo").toString();
            mustRun(List.of("borg", "init", "-e", "repokey", r), benv, images);
            borgFull = Optional.of(timed(List.of("borg", "create", r + "::base", "base.raw"), benv, images));
            borgRepo = BackupBenchChild.sizeOf(bdir.resolve("repo"));
            borgDay2 = Optional.of(timed(List.of("borg", "create", r + "::day2", "day2.raw"), benv, images));
            deleteTree(bdir);
        }

        // ---- report ----
        System.out.println();
        System.out.println("hyperlab backup benchmark (issue 7), " + CORES + " cores, images in " + images);
        info.forEach(l -> System.out.println("  " + l));
        System.out.println();
        System.out.printf(Locale.ROOT, "%-34s %9s %9s %9s %9s %11s %8s %10s%n", "operation", "hyperlab", "restic",
                "borg", "ratio", "target", "met", "cpu ratio");
        Timing hf = h.get("full-base");
        double fasterFull = min(resticFull, borgFull);
        row("full backup of base.raw (s)", hf, resticFull, borgFull, fasterFull / hf.seconds(), ">= 5x",
                fasterFull / hf.seconds() >= 5);
        sizeRow("repository after base (MB)", repo.get("full-base"), resticRepo, borgRepo);
        Timing h1 = h.get("full-base-zstd1");
        row("  same with zstd level 1 (s)", h1, resticFull, borgFull, fasterFull / h1.seconds(), ">= 5x",
                fasterFull / h1.seconds() >= 5);
        sizeRow("  its repository (MB)", repo.get("full-base-zstd1"), resticRepo, borgRepo);
        Timing hi = h.get("incremental-day2");
        double rd = resticDay2.map(Timing::seconds).orElse(Double.NaN);
        row("incremental after day2 (s)", hi, resticDay2, borgDay2, rd / hi.seconds(), ">= 20x",
                rd / hi.seconds() >= 20);
        Timing hd = h.get("dedup-day2");
        row("dedup of day2, no bitmap (s)", hd, resticDay2, borgDay2, rd / hd.seconds(), ">= 2x",
                rd / hd.seconds() >= 2);
        Timing hr = h.get("restore-day2");
        double rr = resticRestore.map(Timing::seconds).orElse(Double.NaN);
        row("restore of day2 (s)", hr, resticRestore, Optional.empty(), rr / hr.seconds(), ">= 2x",
                rr / hr.seconds() >= 2);
        long peak = h.values().stream().mapToLong(Timing::peakHeap).max().orElse(0);
        System.out.printf(Locale.ROOT, "%-34s %9s %9s %9s %9s %11s %8s%n", "hyperlab peak heap (MiB)",
                peak / (1 << 20), "", "", "", "<= 256", peak <= 256L << 20 ? "yes" : "NO");
        System.out.println();
        System.out.println("hyperlab per operation: wall s, CPU s, CPU utilisation of " + CORES + " cores");
        h.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-18s %7.3f %7.3f %6s%n", k, v.seconds(),
                v.cpuSeconds(), v.cpu()));
        resticFull.ifPresent(t -> System.out.printf(Locale.ROOT, "  %-18s %7.3f %7.3f %6s%n", "restic base",
                t.seconds(), t.cpuSeconds(), t.cpu()));
        borgFull.ifPresent(t -> System.out.printf(Locale.ROOT, "  %-18s %7.3f %7.3f %6s%n", "borg base",
                t.seconds(), t.cpuSeconds(), t.cpu()));
        resticDay2.ifPresent(t -> System.out.printf(Locale.ROOT, "  %-18s %7.3f %7.3f %6s%n", "restic day2",
                t.seconds(), t.cpuSeconds(), t.cpu()));
        borgDay2.ifPresent(t -> System.out.printf(Locale.ROOT, "  %-18s %7.3f %7.3f %6s%n", "borg day2",
                t.seconds(), t.cpuSeconds(), t.cpu()));
        resticRestore.ifPresent(t -> System.out.printf(Locale.ROOT, "  %-18s %7.3f %7.3f %6s%n", "restic restore",
                t.seconds(), t.cpuSeconds(), t.cpu()));
        String pressure = Files.exists(Path.of("/proc/pressure/cpu"))
                ? Files.readString(Path.of("/proc/pressure/cpu")).lines().findFirst().orElse("") : "n/a";
        System.out.println("CPU pressure (share of time runnable threads waited for a core): " + pressure);
        double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.out.printf(Locale.ROOT, "load average at the end: %.2f (other processes share the cores)%n", load);
        deleteTree(work);
    }

    private static double min(Optional<Timing> a, Optional<Timing> b) {
        return Math.min(a.map(Timing::seconds).orElse(Double.MAX_VALUE), b.map(Timing::seconds).orElse(Double.MAX_VALUE));
    }

    /**
     * One comparison row. The cpu ratio (the peers' CPU-seconds over hyperlab's, against the faster peer where both
     * ran) is printed beside the wall-clock ratio because it hardly moves when other processes share the cores.
     */
    private static void row(String what, Timing hyperlab, Optional<Timing> restic, Optional<Timing> borg, double ratio,
            String target, boolean met) {
        Optional<Timing> faster = restic.isPresent() && borg.isPresent()
                ? Optional.of(restic.get().seconds() <= borg.get().seconds() ? restic.get() : borg.get())
                : restic.or(() -> borg);
        if (what.startsWith("incremental") || what.startsWith("dedup") || what.startsWith("restore")) {
            faster = restic; // the targets name restic there
        }
        String cpuRatio = faster.filter(t -> t.cpuSeconds() > 0)
                .map(t -> String.format(Locale.ROOT, "%.1fx", t.cpuSeconds() / hyperlab.cpuSeconds())).orElse("-");
        System.out.printf(Locale.ROOT, "%-34s %9.3f %9s %9s %8.1fx %11s %8s %10s%n", what, hyperlab.seconds(),
                restic.map(t -> String.format(Locale.ROOT, "%.3f", t.seconds())).orElse("-"),
                borg.map(t -> String.format(Locale.ROOT, "%.3f", t.seconds())).orElse("-"), ratio, target,
                met ? "yes" : "NO", cpuRatio);
    }

    private static void sizeRow(String what, long hyperlab, long restic, long borg) {
        System.out.printf(Locale.ROOT, "%-34s %9s %9s %9s %9s %11s %8s%n", what, mb(hyperlab), mb(restic), mb(borg),
                restic > 0 ? String.format(Locale.ROOT, "%.3f", (double) hyperlab / restic) : "?", "<= restic",
                restic > 0 && hyperlab <= restic ? "yes" : "NO");
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }

    /** Runs a command under GNU time when available, for its CPU seconds; returns wall and CPU time. */
    private static Timing timed(List<String> cmd, Map<String, String> env, Path cwd) throws IOException,
            InterruptedException {
        Path times = Files.createTempFile("bench-time", ".txt");
        List<String> full = new ArrayList<>();
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        if (gnuTime) {
            full.addAll(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%U %S"));
        }
        full.addAll(cmd);
        long t0 = System.nanoTime();
        mustRun(full, env, cwd);
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = -1;
        if (gnuTime) {
            String[] f = Files.readString(times).strip().split("\\s+");
            cpu = Double.parseDouble(f[f.length - 2]) + Double.parseDouble(f[f.length - 1]);
        }
        Files.deleteIfExists(times);
        return new Timing(wall, cpu, -1);
    }

    private static void mustRun(List<String> cmd, Map<String, String> env, Path cwd) throws IOException,
            InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
    }

    private static boolean has(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        System.out.println(tool + " is not installed (apt-get install " + (tool.equals("borg") ? "borgbackup" : tool)
                + "): its column stays empty");
        return false;
    }

    /** Reads a file once so that every tool finds it in the page cache. */
    private static void warm(Path file) throws IOException {
        byte[] buf = new byte[1 << 20];
        try (var in = Files.newInputStream(file)) {
            while (in.read(buf) > 0) {
                // reading is the point
            }
        }
    }

    private static Path findScript() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("HYPERLAB_SHARED")).ifPresent(s -> candidates.add(Path.of(s)));
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            candidates.add(d.resolve("shared"));
        }
        for (Path c : candidates) {
            Path s = c.resolve("bench/make-disk-images.sh");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        throw new IllegalStateException("cannot find shared/bench/make-disk-images.sh (set HYPERLAB_SHARED or pass an"
                + " image directory)");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
