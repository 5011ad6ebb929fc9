package dev.hyperlab.core.calibration;

import dev.hyperlab.api.lab.HostCalibration;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A host profile: what {@code host calibrate} measured on a real machine, in a JSON file that {@code host create
 * --profile} makes a simulated host of. The simulated host gets the machine's cores and memory, and VMs of the profile's
 * guest and firmware boot through the phases measured there, each taking what it took with the guest booted alone
 * ({@link #solo}). What more guests at once cost is the model's fair sharing of the cores, with the co-runner
 * slowdown this machine showed ({@link #corunnerSlowdown}: fitted on the rounds of at most {@link #FIT_MAX_AT_ONCE}
 * guests at once, on free cores) in place of the one fitted on the NCU study's KVM hosts; the rounds with more guests are
 * the validation set (docs/validation.md compares them).
 *
 * <p>A profile file is input like any other a user hands over: every field is checked (its kind and version, counts
 * and sizes in range, phase names short and plain, seconds finite and bounded), and the file is read only up to
 * {@link #MAX_FILE_BYTES}.
 *
 * @param cores the machine's cores
 * @param memoryBytes its memory
 * @param cpuGhz its core clock (0 where it did not say)
 * @param hypervisor what ran the guests (QEMU's version and accelerator)
 * @param guest the guests' OS profile
 * @param firmware their firmware
 * @param solo the phases of one guest booted alone, in boot order, each its mean over the calibration's solo boots
 * @param rows every round's figures, as {@code host calibrate} printed them
 * @param corunnerSlowdown the slowdown each other guest booting at once added to a guest's CPU-bound phases on this
 *     machine while every guest had a core of its own ({@link #fitCorunnerSlowdown}), or NaN where the profile has no
 *     such round (one core, or only solo boots): a host made from it then uses the model's own
 */
public record HostProfile(int cores, long memoryBytes, double cpuGhz, String hypervisor, String guest,
        String firmware, List<Phase> solo, List<HostCalibration.Row> rows, double corunnerSlowdown) {

    static final String KIND = "hyperlab-host-profile";
    static final int VERSION = 1;
    static final long MAX_FILE_BYTES = 1 << 20;
    private static final int MAX_PHASES = 64;
    private static final int MAX_ROWS = 64;
    private static final double MAX_PHASE_SECONDS = 3600;
    /** The rounds the co-runner slowdown is fitted on: 2 guests at once (more are validation, docs/validation.md). */
    public static final int FIT_MAX_AT_ONCE = 2;
    /** Bound of a profile's co-runner slowdown: ten times the solo boot per co-runner is far beyond any measured. */
    static final double MAX_CORUNNER_SLOWDOWN = 10;
    private static final Pattern PHASE = Pattern.compile("[a-z][a-z0-9._-]{0,31}(/[a-z0-9][a-z0-9._-]{0,31})?");

    public HostProfile {
        solo = List.copyOf(solo);
        rows = List.copyOf(rows);
        if (!Double.isNaN(corunnerSlowdown) && !(corunnerSlowdown >= 0 && corunnerSlowdown <= MAX_CORUNNER_SLOWDOWN)) {
            throw new IllegalArgumentException("co-runner slowdown " + corunnerSlowdown + " is not from 0 to "
                    + MAX_CORUNNER_SLOWDOWN);
        }
    }

    /** A profile whose co-runner slowdown is fitted on its own rounds ({@link #fitCorunnerSlowdown}). */
    public HostProfile(int cores, long memoryBytes, double cpuGhz, String hypervisor, String guest, String firmware,
            List<Phase> solo, List<HostCalibration.Row> rows) {
        this(cores, memoryBytes, cpuGhz, hypervisor, guest, firmware, solo, rows, fitCorunnerSlowdown(cores, solo, rows));
    }

    /** Whether the profile carries a measured co-runner slowdown (else a host made from it uses the model's own). */
    public boolean measuresCorunners() {
        return !Double.isNaN(corunnerSlowdown);
    }

    /**
     * The co-runner slowdown a machine showed: for each round of {@code n} guests at once with {@code 2 <= n <=}
     * {@link #FIT_MAX_AT_ONCE} and {@code n <=} its cores (every guest on a core of its own, so fair sharing of the
     * cores slows none of them), the ratio {@code r} of the round's CPU-bound phases (every phase but QEMU's own start,
     * added up) to the solo boot's; the model's form there is {@code r = 1 + s × (n − 1)}, and {@code s} is its
     * least-squares fit through the solo boot, {@code Σ (n − 1)(r − 1) / Σ (n − 1)²}, held to 0 ..
     * {@link #MAX_CORUNNER_SLOWDOWN}. NaN when no round qualifies.
     */
    public static double fitCorunnerSlowdown(int cores, List<Phase> solo, List<HostCalibration.Row> rows) {
        double soloCpu = 0;
        for (Phase p : solo) {
            soloCpu += p.fixed() ? 0 : p.seconds();
        }
        double num = 0;
        double den = 0;
        for (HostCalibration.Row r : rows) {
            int n = r.atOnce();
            if (n < 2 || n > FIT_MAX_AT_ONCE || n > cores || !(soloCpu > 0)) {
                continue;
            }
            double cpu = 0;
            for (Phase p : solo) {
                cpu += p.fixed() ? 0 : r.phaseSeconds().getOrDefault(p.name(), 0.0);
            }
            num += (n - 1) * (cpu / soloCpu - 1);
            den += (n - 1) * (n - 1);
        }
        if (den == 0) {
            return Double.NaN;
        }
        return Math.clamp(num / den, 0, MAX_CORUNNER_SLOWDOWN);
    }

    /**
     * One measured phase.
     *
     * @param name {@code phase} or {@code phase/step}, as the real timeline names it
     * @param seconds its mean length
     * @param fixed whether it is QEMU's own start (a wait, not guest work); every other phase is the guest's CPU work
     *     under TCG
     */
    public record Phase(String name, double seconds, boolean fixed) {
        /** The timeline's phase: the name up to its first '/'. */
        public String phase() {
            int slash = name.indexOf('/');
            return slash < 0 ? name : name.substring(0, slash);
        }

        /** The timeline's step: the name after its first '/', or empty. */
        public String step() {
            int slash = name.indexOf('/');
            return slash < 0 ? "" : name.substring(slash + 1);
        }
    }

    /** Whether VMs of OS profile {@code os} with firmware {@code fw} boot through the measured phases. */
    public boolean measures(String os, String fw) {
        return guest.equals(os) && firmware.equals(fw);
    }

    /** The solo boot's length: its phases added up. */
    public double soloSeconds() {
        return solo.stream().mapToDouble(Phase::seconds).sum();
    }

    // ---- the file ----

    /**
     * Reads and checks the profile in {@code file}.
     *
     * @throws LabException {@code INVALID} naming the file and what is wrong with it, {@code NOT_FOUND} when it does not
     *     exist
     */
    public static HostProfile read(Path file) {
        byte[] data;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw invalid(file, "it is " + Sizes.format(size) + ", more than a profile's "
                        + Sizes.format(MAX_FILE_BYTES));
            }
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw LabException.notFound("no host profile " + file,
                    "{calibrate.profileFile} writes one on a lab made with {open.backend} qemu");
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read host profile " + file + ": " + e.getMessage(),
                    "check the path and its permissions", e);
        }
        try {
            return fromTree(Json.parse(data, "host profile " + file));
        } catch (IOException | ClassCastException e) {
            throw invalid(file, e.getMessage() == null ? "it is not a host profile" : e.getMessage());
        } catch (LabException e) {
            throw invalid(file, e.getMessage());
        }
    }

    /** Writes this profile to {@code file} whole or not at all (a temporary file renamed over it). */
    public void write(Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.write(tmp, Json.write(toTree()));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write's own error says what went wrong
            }
            throw new LabException(LabException.Kind.IO, "cannot write host profile " + file + ": " + e.getMessage(),
                    "check the path and the free space", e);
        }
    }

    /** The profile as a JSON tree: the file's content, also kept with a simulated lab's host. */
    public Map<String, Object> toTree() {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("cores", cores);
        host.put("memoryBytes", memoryBytes);
        host.put("cpuGhz", cpuGhz);
        host.put("hypervisor", hypervisor);
        List<Object> phases = new ArrayList<>();
        for (Phase p : solo) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("seconds", p.seconds());
            m.put("bound", p.fixed() ? "fixed" : "cpu");
            phases.add(m);
        }
        List<Object> rounds = new ArrayList<>();
        for (HostCalibration.Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("atOnce", r.atOnce());
            m.put("meanBootSeconds", r.meanBootSeconds());
            m.put("slowdown", r.slowdown());
            m.put("phaseSeconds", new LinkedHashMap<String, Object>(r.phaseSeconds()));
            rounds.add(m);
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("kind", KIND);
        t.put("version", VERSION);
        t.put("host", host);
        t.put("guest", guest);
        t.put("firmware", firmware);
        t.put("solo", phases);
        t.put("rows", rounds);
        if (measuresCorunners()) {
            t.put("corunnerSlowdown", corunnerSlowdown);
        }
        return t;
    }

    /** A profile from its JSON tree, every field checked. */
    @SuppressWarnings("unchecked")
    public static HostProfile fromTree(Object tree) throws IOException {
        Map<String, Object> t = map(tree, "the document");
        if (!KIND.equals(t.get("kind"))) {
            throw new IOException("it is not a host profile (its \"kind\" is not \"" + KIND + "\")");
        }
        if (!(t.get("version") instanceof Number v) || v.longValue() != VERSION) {
            throw new IOException("its version is " + t.get("version") + ", this hyperlab reads version " + VERSION);
        }
        Map<String, Object> host = map(t.get("host"), "\"host\"");
        long cores = whole(host.get("cores"), "host.cores", 1, 4096);
        long memory = whole(host.get("memoryBytes"), "host.memoryBytes", 1L << 20, 64 * Sizes.TiB);
        double ghz = decimal(host.get("cpuGhz"), "host.cpuGhz", 0, 100);
        String hypervisor = text(host.get("hypervisor"), "host.hypervisor", 200);
        String guest = text(t.get("guest"), "guest", 64);
        if (OsProfiles.find(guest).isEmpty()) {
            throw new IOException("its guest '" + guest + "' is no OS profile hyperlab knows");
        }
        String firmware = text(t.get("firmware"), "firmware", 64);
        if (!firmware.equals("bios") && !firmware.equals("uefi")) {
            throw new IOException("its firmware '" + firmware + "' is neither bios nor uefi");
        }
        List<Object> phases = list(t.get("solo"), "solo", MAX_PHASES);
        if (phases.isEmpty()) {
            throw new IOException("it has no solo phases");
        }
        List<Phase> solo = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            Map<String, Object> p = map(phases.get(i), "solo[" + i + "]");
            String name = text(p.get("name"), "solo[" + i + "].name", 65);
            if (!PHASE.matcher(name).matches()) {
                throw new IOException("solo[" + i + "].name '" + name + "' is not a phase name");
            }
            double seconds = decimal(p.get("seconds"), "solo[" + i + "].seconds", 0, MAX_PHASE_SECONDS);
            String bound = text(p.get("bound"), "solo[" + i + "].bound", 8);
            if (!bound.equals("fixed") && !bound.equals("cpu")) {
                throw new IOException("solo[" + i + "].bound '" + bound + "' is neither fixed nor cpu");
            }
            solo.add(new Phase(name, seconds, bound.equals("fixed")));
        }
        List<HostCalibration.Row> rows = new ArrayList<>();
        List<Object> rounds = list(t.get("rows"), "rows", MAX_ROWS);
        for (int i = 0; i < rounds.size(); i++) {
            Map<String, Object> r = map(rounds.get(i), "rows[" + i + "]");
            Map<String, Object> ps = map(r.get("phaseSeconds"), "rows[" + i + "].phaseSeconds");
            if (ps.size() > MAX_PHASES) {
                throw new IOException("rows[" + i + "].phaseSeconds has more than " + MAX_PHASES + " phases");
            }
            Map<String, Double> seconds = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ps.entrySet()) {
                if (!PHASE.matcher(e.getKey()).matches()) {
                    throw new IOException("rows[" + i + "] names '" + e.getKey() + "', which is not a phase name");
                }
                seconds.put(e.getKey(), decimal(e.getValue(), "rows[" + i + "]." + e.getKey(), 0, MAX_PHASE_SECONDS));
            }
            rows.add(new HostCalibration.Row((int) whole(r.get("atOnce"), "rows[" + i + "].atOnce", 1, 1024),
                    decimal(r.get("meanBootSeconds"), "rows[" + i + "].meanBootSeconds", 0, MAX_PHASE_SECONDS),
                    decimal(r.get("slowdown"), "rows[" + i + "].slowdown", 0, 1e6), seconds));
        }
        // the measured co-runner slowdown as written (a profile from before it was recorded: fitted on its rounds now)
        double corunners = !t.containsKey("corunnerSlowdown") ? fitCorunnerSlowdown((int) cores, solo, rows)
                : decimal(t.get("corunnerSlowdown"), "corunnerSlowdown", 0, MAX_CORUNNER_SLOWDOWN);
        return new HostProfile((int) cores, memory, ghz, hypervisor, guest, firmware, solo, rows, corunners);
    }

    private static LabException invalid(Path file, String why) {
        return LabException.invalid("host profile " + file + " is not usable: " + why,
                "{calibrate.profileFile} writes one on a lab made with {open.backend} qemu");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) throws IOException {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IOException(what + " is not an object");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what, int max) throws IOException {
        if (!(o instanceof List<?> l)) {
            throw new IOException(what + " is not a list");
        }
        if (l.size() > max) {
            throw new IOException(what + " has " + l.size() + " entries, more than " + max);
        }
        return (List<Object>) l;
    }

    private static String text(Object o, String what, int max) throws IOException {
        if (!(o instanceof String s)) {
            throw new IOException(what + " is not a string");
        }
        if (s.length() > max || s.chars().anyMatch(c -> c < 0x20)) {
            throw new IOException(what + " is longer than " + max + " characters or holds control characters");
        }
        return s;
    }

    private static long whole(Object o, String what, long min, long max) throws IOException {
        if (!(o instanceof Long || o instanceof Integer) || ((Number) o).longValue() < min
                || ((Number) o).longValue() > max) {
            throw new IOException(what + " is " + o + ", not a whole number from " + min + " to " + max);
        }
        return ((Number) o).longValue();
    }

    private static double decimal(Object o, String what, double min, double max) throws IOException {
        if (!(o instanceof Number n) || o instanceof java.math.BigInteger || !(n.doubleValue() >= min)
                || !(n.doubleValue() <= max)) {
            throw new IOException(what + " is " + o + ", not a number from " + min + " to " + max);
        }
        return n.doubleValue();
    }
}
