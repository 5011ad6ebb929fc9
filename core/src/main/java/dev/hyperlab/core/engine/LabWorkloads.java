package dev.hyperlab.core.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Names;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.WorkloadInfo;
import dev.hyperlab.api.lab.WorkloadSpec;
import dev.hyperlab.core.engine.persist.SavedDoc;
import dev.hyperlab.core.calibration.Workload;
import dev.hyperlab.core.calibration.Workloads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workloads of one lab: the built-in ones ({@link Workloads}, sourced in docs/calibration.md section 9) and those
 * the lab defines ({@code workload create}), saved with it. A lab's own workload is how a user replaces a figure that
 * section labels as assumed (the build workload's CPU share, say) without a new hyperlab.
 */
public final class LabWorkloads {
    /** Bounds on what a definition may say, so that a hostile saved lab cannot ask for absurd rates or sizes. */
    static final int MAX_DEFINED = 1000;
    static final double MAX_IOPS = 10_000_000;
    static final long MAX_IO_SIZE = 64 * Sizes.MiB;
    private static final int MAX_DESCRIPTION = 200;
    /** Bytes a second a workload may send or receive: an input bound (400 Gbit/s), not a model figure. */
    static final long MAX_NET_BYTES_S = 50_000_000_000L;

    private final TreeMap<String, Workload> defined = new TreeMap<>();

    /** The workload with that id, built-in or the lab's; refused, listing them, when there is none. */
    public Workload get(String id) {
        Workload w = defined.get(id);
        if (w != null) {
            return w;
        }
        if (Workloads.has(id)) {
            return Workloads.get(id);
        }
        List<String> ids = infos().stream().map(WorkloadInfo::id).toList();
        throw LabException.invalid("no workload '" + id + "'", "one of " + String.join(", ", ids));
    }

    /** The built-in workloads in their documented order (idle first), then the lab's sorted by id. */
    public List<WorkloadInfo> infos() {
        List<WorkloadInfo> out = new ArrayList<>();
        Workloads.all().forEach(w -> out.add(info(w, "built-in")));
        defined.values().forEach(w -> out.add(info(w, "lab")));
        return out;
    }

    public WorkloadInfo info(String id) {
        Workload w = get(id);
        return info(w, defined.containsKey(id) ? "lab" : "built-in");
    }

    /** Defines {@code spec} (checked first: nothing changes when it is refused). */
    public Workload define(WorkloadSpec spec) {
        if (spec == null || spec.id() == null) {
            throw LabException.invalid("a workload needs a name", "give it an id");
        }
        String id = Names.check("workload", spec.id());
        if (Workloads.has(id) || defined.containsKey(id)) {
            throw LabException.conflict("workload '" + id + "' exists", "choose another name (workload list)");
        }
        if (defined.size() >= MAX_DEFINED) {
            throw LabException.insufficient("the lab defines " + MAX_DEFINED + " workloads, the most it keeps",
                    "delete one first");
        }
        Workload base = spec.like() == null || spec.like().isEmpty() ? null : get(spec.like());
        double cpu = pick(spec.cpuPerVcpu(), base == null ? 0 : base.cpuPerVcpu());
        double reads = pick(spec.readIops(), base == null ? 0 : base.readOps());
        long readSize = pick(spec.readSize(), base == null ? 0 : base.readBytesPerOp());
        double writes = pick(spec.writeIops(), base == null ? 0 : base.randomWriteOps());
        long writeSize = pick(spec.writeSize(), base == null ? 0 : base.randomWriteBytesPerOp());
        double appends = pick(spec.appendIops(), base == null ? 0 : base.appendOps());
        long appendSize = pick(spec.appendSize(), base == null ? 0 : base.appendBytesPerOp());
        long netRx = pick(spec.netRx(), base == null ? 0 : Math.round(base.netRxBytesPerSecond()));
        long netTx = pick(spec.netTx(), base == null ? 0 : Math.round(base.netTxBytesPerSecond()));
        String description = spec.description() == null || spec.description().isBlank()
                ? describe(cpu, reads, readSize, writes, writeSize, appends, appendSize, netRx, netTx, base)
                : spec.description().strip();
        Workload w = checked(id, description, cpu, reads, readSize, writes, writeSize, appends, appendSize, netRx,
                netTx);
        defined.put(id, w);
        return w;
    }

    /** Removes the lab's workload {@code id}; refused for a built-in one, and while {@code users} have it. */
    void delete(String id, List<String> users) {
        if (!defined.containsKey(id)) {
            if (Workloads.has(id)) {
                throw LabException.notAllowed("workload '" + id + "' is built in", "only the lab's own are deleted");
            }
            get(id); // refuses, listing them
        }
        if (!users.isEmpty()) {
            throw LabException.notAllowed("workload '" + id + "' is in use by " + (users.size() == 1 ? "VM " : "VMs ")
                    + String.join(", ", users), "give them another workload first");
        }
        defined.remove(id);
    }

    void save(JsonGenerator g) throws IOException {
        if (defined.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("workloads");
        for (Workload w : defined.values()) {
            g.writeStartObject();
            g.writeStringField("id", w.id());
            g.writeStringField("description", w.description());
            g.writeNumberField("cpuPerVcpu", w.cpuPerVcpu());
            g.writeNumberField("readIops", w.readOps());
            g.writeNumberField("readSize", w.readBytesPerOp());
            g.writeNumberField("writeIops", w.randomWriteOps());
            g.writeNumberField("writeSize", w.randomWriteBytesPerOp());
            g.writeNumberField("appendIops", w.appendOps());
            g.writeNumberField("appendSize", w.appendBytesPerOp());
            g.writeNumberField("netRx", Math.round(w.netRxBytesPerSecond()));
            g.writeNumberField("netTx", Math.round(w.netTxBytesPerSecond()));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Restores what {@link #save} wrote, each definition checked as if the user had given it. */
    void restore(Map<String, Object> root) throws IOException {
        if (!root.containsKey("workloads")) {
            return; // none defined, or a lab saved before workloads could be defined
        }
        List<Object> list = SavedDoc.list(root, "workloads");
        if (list.size() > MAX_DEFINED) {
            throw new IOException("saved lab: more than " + MAX_DEFINED + " workloads");
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> raw)) {
                throw new IOException("saved lab: a workload is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) raw;
            try {
                String id = Names.check("workload", SavedDoc.str(m, "id"));
                if (Workloads.has(id) || defined.containsKey(id)) {
                    throw new IOException("saved lab: workload '" + id + "' is defined twice");
                }
                defined.put(id, checked(id, SavedDoc.str(m, "description"), dbl(m, "cpuPerVcpu"), dbl(m, "readIops"),
                        SavedDoc.num(m, "readSize"), dbl(m, "writeIops"), SavedDoc.num(m, "writeSize"),
                        dbl(m, "appendIops"), SavedDoc.num(m, "appendSize"), optional(m, "netRx"),
                        optional(m, "netTx")));
            } catch (LabException e) {
                throw new IOException("saved lab: " + e.getMessage(), e);
            }
        }
    }

    /** A figure a lab saved before workloads had it (network traffic) reads as 0. */
    private static long optional(Map<String, Object> m, String key) throws IOException {
        return m.containsKey(key) ? SavedDoc.num(m, key) : 0;
    }

    private static double dbl(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IOException("saved lab: workload field '" + key + "' is not a number");
    }

    private static Workload checked(String id, String description, double cpu, double reads, long readSize,
            double writes, long writeSize, double appends, long appendSize, long netRx, long netTx) {
        if (!(cpu >= 0 && cpu <= 1)) {
            throw LabException.invalid("a CPU share of " + cpu + " per vCPU is out of range", "give 0 to 1");
        }
        rate("read", reads, readSize);
        rate("write", writes, writeSize);
        rate("append", appends, appendSize);
        net("receive", netRx);
        net("send", netTx);
        if (description.length() > MAX_DESCRIPTION || description.contains("\n")) {
            throw LabException.invalid("a workload's description is one line of at most " + MAX_DESCRIPTION
                    + " characters", "shorten it");
        }
        return new Workload(id, description, cpu, reads, readSize, writes, writeSize, appends, appendSize, netRx, netTx,
                true);
    }

    private static void net(String what, long bytesPerSecond) {
        if (bytesPerSecond < 0 || bytesPerSecond > MAX_NET_BYTES_S) {
            throw LabException.invalid("a network " + what + " rate of " + bytesPerSecond + " bytes/s is out of range",
                    "give 0 to " + Sizes.format(MAX_NET_BYTES_S) + "/s");
        }
    }

    private static void rate(String what, double iops, long size) {
        if (!(iops >= 0 && iops <= MAX_IOPS)) {
            throw LabException.invalid(what + "s of " + iops + " a second are out of range",
                    "give 0 to " + (long) MAX_IOPS);
        }
        if (size < 0 || size > MAX_IO_SIZE) {
            throw LabException.invalid("a " + what + " size of " + size + " bytes is out of range",
                    "give 0 to " + Sizes.format(MAX_IO_SIZE));
        }
        if (iops > 0 && size == 0) {
            throw LabException.invalid(what + "s at " + fmt(iops) + " a second need a size", "give their size too");
        }
    }

    private static String describe(double cpu, double reads, long readSize, double writes, long writeSize,
            double appends, long appendSize, long netRx, long netTx, Workload base) {
        StringBuilder b = new StringBuilder(base == null ? "" : "like " + base.id() + ": ");
        b.append(Math.round(cpu * 100)).append("% of its vCPUs");
        if (reads > 0) {
            b.append(", ").append(fmt(reads)).append(" reads/s of ").append(Sizes.format(readSize));
        }
        if (writes > 0) {
            b.append(", ").append(fmt(writes)).append(" random writes/s of ").append(Sizes.format(writeSize));
        }
        if (appends > 0) {
            b.append(", ").append(fmt(appends)).append(" appends/s of ").append(Sizes.format(appendSize));
        }
        if (netRx > 0) {
            b.append(", receives ").append(Sizes.format(netRx)).append("/s");
        }
        if (netTx > 0) {
            b.append(", sends ").append(Sizes.format(netTx)).append("/s");
        }
        return b.toString();
    }

    private static String fmt(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-6 ? Long.toString(Math.round(v))
                : String.format(Locale.ROOT, "%.2f", v);
    }

    private static WorkloadInfo info(Workload w, String source) {
        return new WorkloadInfo(w.id(), w.description(), source, w.cpuPerVcpu(), w.readOps(), w.readBytesPerOp(),
                w.randomWriteOps(), w.randomWriteBytesPerOp(), w.appendOps(), w.appendBytesPerOp(),
                Math.round(w.netRxBytesPerSecond()), Math.round(w.netTxBytesPerSecond()));
    }

    private static double pick(Double given, double base) {
        return given == null ? base : given;
    }

    private static long pick(Long given, long base) {
        return given == null ? base : given;
    }
}
