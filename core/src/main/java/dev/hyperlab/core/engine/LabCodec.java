package dev.hyperlab.core.engine;

import static dev.hyperlab.core.engine.persist.SavedDoc.dbl;
import static dev.hyperlab.core.engine.persist.SavedDoc.list;
import static dev.hyperlab.core.engine.persist.SavedDoc.str;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.hyperlab.core.sim.Activity;
import dev.hyperlab.core.sim.EventQueue;
import dev.hyperlab.core.sim.ResourceTick;
import dev.hyperlab.core.sim.SharedResource;
import dev.hyperlab.core.sim.SimEvent;
import dev.hyperlab.core.sim.Simulation;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.engine.image.ImageStore;
import dev.hyperlab.core.sim.EventLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import dev.hyperlab.core.engine.image.DiskOrigin;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.Machine;
import dev.hyperlab.core.engine.machine.MemoryTick;
import dev.hyperlab.core.engine.machine.PartTimer;
import dev.hyperlab.core.engine.machine.StartGate;
import dev.hyperlab.core.engine.machine.StepRun;
import dev.hyperlab.core.engine.machine.WorkloadRun;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.engine.persist.SavedDoc;

/**
 * Saves a whole lab model, pending events and half-done activities included, as one JSON document, and loads it back
 * exactly: a loaded lab continues with the same event log as one that never stopped. Doubles are written in their
 * shortest round-trip form, so remaining work survives bit for bit. Streaming (jackson-core), not data binding: it
 * keeps start-up light and the field order fixed.
 *
 * <p>This class writes the document's frame (the simulation's clock, resources and events, the lab's own fields); each
 * stateful class saves and restores its own fields beside their declarations ({@link HostMachine#save},
 * {@link VmMachine#save} and the parts they hold), and LabRoundTripTest fails when a field is left out.
 */
public final class LabCodec {
    /** Version of this document's layout; a lab saved by a newer layout is refused rather than misread. */
    public static final int FORMAT = 1;

    /** The caller owns the stream: it still has to flush and fsync it after the document is written. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private LabCodec() {}

    // ================================================================================================= writing

    /** Writes the lab; {@code extra} adds integer fields of the caller's (the event log's length, say). */
    public static void write(LabModel lab, OutputStream out, Map<String, Long> extra) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("engine", LabModel.ENGINE_VERSION);
            g.writeNumberField("seed", lab.seed());
            for (Map.Entry<String, Long> e : extra.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            Simulation sim = lab.sim();
            List<EventQueue.Entry> events = sim.queuedEvents();
            g.writeNumberField("now", sim.now());
            g.writeNumberField("nextSeq", sim.nextSeq());
            g.writeNumberField("processed", sim.processedEvents());
            g.writeNumberField("requests", lab.requests);
            if (!lab.diskBudget.auto()) {
                g.writeNumberField("diskBudget", lab.diskBudget.bytes().getAsLong());
            }
            if (!lab.plugins.origins.isEmpty()) {
                g.writeObjectFieldStart("pluginOrigins");
                for (Map.Entry<String, String> e : lab.plugins.origins.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            lab.workloads.save(g);
            g.writeArrayFieldStart("hosts");
            for (HostMachine h : lab.hosts.values()) {
                h.save(g);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("vms");
            for (VmMachine v : lab.vms.values()) {
                v.save(g);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("disks");
            for (DiskOrigin d : lab.disks.made.values()) {
                g.writeStartObject();
                g.writeStringField("path", d.path());
                g.writeStringField("how", d.how());
                g.writeStringField("from", d.from());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("resources");
            List<SharedResource> resources = new ArrayList<>(sim.resources());
            resources.sort(Comparator.comparing(SharedResource::id));
            for (SharedResource r : resources) {
                long[] clock = Simulation.resourceClock(r);
                if (r.size() == 0 && clock[1] == 0) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("id", r.id());
                g.writeNumberField("lastUpdate", clock[0]);
                g.writeNumberField("epoch", clock[1]);
                g.writeArrayFieldStart("activities");
                for (Activity a : r.activities()) {
                    String owner = a.owner() instanceof WorkloadRun w ? w.machineName()
                            : ((StepRun) a.owner()).machine.name;
                    g.writeStartObject();
                    g.writeStringField("machine", owner);
                    g.writeNumberField("part", a.tag());
                    g.writeNumberField("remaining", a.remaining());
                    g.writeNumberField("cap", a.cap());
                    g.writeNumberField("weight", a.weight());
                    if (a.floor() > 0) { // absent without a reservation: a lab saved before them reads the same
                        g.writeNumberField("floor", a.floor());
                    }
                    g.writeNumberField("rate", a.rate());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("events");
            for (EventQueue.Entry e : events) {
                g.writeStartObject();
                g.writeNumberField("time", e.time());
                g.writeNumberField("priority", e.priority());
                g.writeNumberField("seq", e.seq());
                switch (e.event()) {
                    case PartTimer t -> {
                        g.writeStringField("type", "timer");
                        g.writeStringField("machine", t.machine());
                        g.writeNumberField("run", t.run());
                        g.writeNumberField("part", t.part());
                    }
                    case StartGate s -> {
                        g.writeStringField("type", "gate");
                        g.writeStringField("host", s.host());
                    }
                    case MemoryTick t -> {
                        g.writeStringField("type", "memory");
                        g.writeStringField("host", t.host());
                    }
                    case dev.hyperlab.core.engine.machine.StatTick t -> {
                        g.writeStringField("type", "stats");
                        g.writeStringField("host", t.host());
                    }
                    case ResourceTick t -> {
                        g.writeStringField("type", "tick");
                        g.writeStringField("resource", t.resource());
                        g.writeNumberField("epoch", t.epoch());
                    }
                    default -> throw new IllegalStateException("cannot save event " + e.event());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    // ================================================================================================= reading

    /** Parses a saved lab document. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readDocument(InputStream in) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            if (!(SavedDoc.parse(p) instanceof Map<?, ?> m)) {
                throw new IOException("saved lab is not a JSON object");
            }
            return (Map<String, Object>) m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("saved lab is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A copy of {@code lab} made through a save and a load, its images in {@code images} (a dry run's fork). */
    static LabModel copy(LabModel lab, ImageStore images) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            write(lab, buf, Map.of());
            LabModel copy = new LabModel(lab.seed(), lab.extensions(), images);
            read(new ByteArrayInputStream(buf.toByteArray()), copy);
            copy.sim().setLog(EventLog.NONE);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("copying the lab for a dry run", e);
        }
    }

    /** A lab loaded from a parsed save document, its images in {@code images}. */
    static LabModel load(Map<String, Object> document, Extensions extensions, ImageStore images) throws IOException {
        LabModel lab = new LabModel(num(document, "seed"), extensions, images);
        apply(document, lab);
        for (VmMachine v : lab.vms.values()) {
            v.linkedDisks().forEach(p -> images.holdReadOnly(p, true)); // linked clones read through these
        }
        return lab;
    }

    /** Reads a saved lab into {@code lab} (a fresh model with the document's seed). */
    public static void read(InputStream in, LabModel lab) throws IOException {
        apply(readDocument(in), lab);
    }

    /** Restores a parsed document into {@code lab} (a fresh model with the document's seed). */
    @SuppressWarnings("unchecked")
    public static void apply(Map<String, Object> root, LabModel lab) throws IOException {
        long format = num(root, "format");
        if (format != FORMAT) {
            throw new IOException("lab format " + format + " is not supported by this hyperlab (format " + FORMAT + ")");
        }
        lab.requests = num(root, "requests");
        if (root.containsKey("diskBudget")) { // absent for auto, and in labs saved before disk budgets
            long budget = num(root, "diskBudget");
            if (budget < 0) {
                throw new IOException("saved lab: 'diskBudget' is negative");
            }
            lab.diskBudget = new DiskBudget(java.util.OptionalLong.of(budget));
        }
        lab.workloads.restore(root); // before the VMs, which name them
        if (root.get("pluginOrigins") instanceof Map<?, ?> origins) { // absent in labs saved before plugins
            origins.forEach((k, v) -> lab.plugins.origins.put((String) k, (String) v));
        }
        for (Object o : list(root, "hosts")) {
            lab.add(HostMachine.restore(lab.env, (Map<String, Object>) o));
        }
        for (Object o : list(root, "vms")) {
            readVm(lab, (Map<String, Object>) o);
        }
        for (HostMachine h : lab.hosts.values()) {
            h.memory.reindex();
        }
        if (root.containsKey("disks")) { // labs saved before disk create have none
            for (Object o : list(root, "disks")) {
                Map<String, Object> d = (Map<String, Object>) o;
                lab.disks.made.put(str(d, "path"), new DiskOrigin(str(d, "path"), str(d, "how"), str(d, "from")));
            }
        }
        // the host start queues refer to VMs: link them now that every VM exists
        for (Object o : list(root, "hosts")) {
            Map<String, Object> h = (Map<String, Object>) o;
            lab.hosts.get(str(h, "name")).starts.restoreQueue(h, lab.vms);
        }
        Simulation sim = lab.sim();
        for (Object o : list(root, "resources")) {
            Map<String, Object> r = (Map<String, Object>) o;
            SharedResource res = sim.resource(str(r, "id"));
            if (res == null) {
                throw new IOException("saved lab names unknown resource " + str(r, "id"));
            }
            Simulation.restoreResourceClock(res, num(r, "lastUpdate"), num(r, "epoch"));
            for (Object ao : list(r, "activities")) {
                Map<String, Object> a = (Map<String, Object>) ao;
                String name = str(a, "machine");
                Machine m = machine(lab, name);
                int part = (int) num(a, "part");
                if (part == WorkloadRun.CPU || part == WorkloadRun.DISK) {
                    if (!(m instanceof VmMachine vm) || !vm.work.running()) {
                        throw new IOException("saved workload activity of " + name + " has no running workload");
                    }
                    sim.restoreActivity(vm.restoreWorkloadActivity(res, part, dbl(a, "remaining"), dbl(a, "cap"),
                            dbl(a, "weight"), a.containsKey("floor") ? dbl(a, "floor") : 0), dbl(a, "rate"));
                    continue;
                }
                if (m == null || m.currentStep() == null) {
                    throw new IOException("saved activity of " + name + " has no running step");
                }
                Activity act = new Activity(res, m.currentStep(), part, 1.0, dbl(a, "cap"), dbl(a, "weight"),
                        a.containsKey("floor") ? dbl(a, "floor") : 0);
                act.restoreRemaining(dbl(a, "remaining"));
                sim.restoreActivity(act, dbl(a, "rate"));
                switch (part) {
                    case StepRun.CPU, StepRun.DISK, StepRun.MEMORY_IO -> m.currentStep().restoreActivity(part, act);
                    default -> throw new IOException("saved activity of " + name + " has unknown part " + part);
                }
            }
        }
        List<EventQueue.Entry> events = new ArrayList<>();
        for (Object o : list(root, "events")) {
            Map<String, Object> e = (Map<String, Object>) o;
            SimEvent ev = switch (str(e, "type")) {
                case "timer" -> new PartTimer(str(e, "machine"), num(e, "run"), (int) num(e, "part"));
                case "gate" -> new StartGate(str(e, "host"));
                case "memory" -> new MemoryTick(str(e, "host"));
                case "stats" -> new dev.hyperlab.core.engine.machine.StatTick(str(e, "host"));
                case "tick" -> new ResourceTick(str(e, "resource"), num(e, "epoch"));
                default -> throw new IOException("unknown saved event type " + str(e, "type"));
            };
            if (ev instanceof PartTimer t && machine(lab, t.machine()) instanceof Machine m && m.currentStep() != null
                    && t.run() == m.run()) {
                m.currentStep().restoreDue(t.part(), num(e, "time")); // when it is due is its timer's time
            }
            events.add(new EventQueue.Entry(num(e, "time"), (int) num(e, "priority"), num(e, "seq"), ev));
        }
        sim.restore(num(root, "now"), num(root, "nextSeq"), num(root, "processed"), events);
    }

    private static Machine machine(LabModel lab, String name) {
        return lab.hosts.containsKey(name) ? lab.hosts.get(name) : lab.vms.get(name);
    }

    private static void readVm(LabModel lab, Map<String, Object> v) throws IOException {
        VmMachine vm = VmMachine.restore(lab.env, v);
        if (!lab.hosts.containsKey(vm.host)) {
            throw new IOException("saved VM " + vm.name + " names unknown host " + vm.host);
        }
        lab.add(vm);
    }

    /** How many entries the list {@code key} of a saved document has ({@code hosts}, {@code vms}). */
    public static int count(Map<String, Object> m, String key) throws IOException {
        return SavedDoc.list(m, key).size();
    }

    public static long num(Map<String, Object> m, String key) throws IOException {
        return SavedDoc.num(m, key);
    }
}
