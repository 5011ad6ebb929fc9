package dev.hyperlab.core.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.DiskKind;
import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.core.sim.Activity;
import dev.hyperlab.core.sim.EventQueue;
import dev.hyperlab.core.sim.ResourceTick;
import dev.hyperlab.core.sim.SharedResource;
import dev.hyperlab.core.sim.SimEvent;
import dev.hyperlab.core.sim.Simulation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves a whole lab model, pending events and half-done activities included, as one JSON document, and loads it back
 * exactly: a loaded lab continues with the same event log as one that never stopped. Doubles are written in their
 * shortest round-trip form, so remaining work survives bit for bit. Streaming (jackson-core), not data binding: it
 * keeps start-up light and the field order fixed.
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
            if (!lab.pluginOrigins.isEmpty()) {
                g.writeObjectFieldStart("pluginOrigins");
                for (Map.Entry<String, String> e : lab.pluginOrigins.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeArrayFieldStart("hosts");
            for (HostMachine h : lab.hosts.values()) {
                writeHost(g, h);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("vms");
            for (VmMachine v : lab.vms.values()) {
                writeVm(g, v);
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
                    StepRun run = (StepRun) a.owner();
                    g.writeStartObject();
                    g.writeStringField("machine", run.machine.name);
                    g.writeNumberField("part", a.tag());
                    g.writeNumberField("remaining", a.remaining());
                    g.writeNumberField("cap", a.cap());
                    g.writeNumberField("weight", a.weight());
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

    private static void writeHost(JsonGenerator g, HostMachine h) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", h.name);
        g.writeNumberField("cores", h.cores);
        g.writeNumberField("ram", h.ram);
        g.writeNumberField("ghz", h.ghz);
        g.writeStringField("firmware", h.firmware);
        g.writeArrayFieldStart("disks");
        for (HostDisk d : h.disks) {
            g.writeStartObject();
            g.writeStringField("device", d.device());
            g.writeStringField("kind", d.kind().id());
            g.writeNumberField("size", d.size());
            g.writeEndObject();
        }
        g.writeEndArray();
        writeStrings(g, "bootOrder", h.bootOrder);
        g.writeStringField("state", h.state().id());
        g.writeStringField("reason", h.reason);
        g.writeStringField("hypervisor", h.hypervisor == null ? "" : h.hypervisor.id());
        g.writeStringField("hostOs", h.hostOs == null ? "" : h.hostOs.id());
        g.writeNumberField("maxConcurrentBoots", h.policy.maxConcurrentBoots());
        g.writeNumberField("groupDelay", h.policy.groupDelay().toNanos());
        writeStrings(g, "warmCache", List.copyOf(h.warmCache));
        g.writeNumberField("committed", h.committed);
        MemoryManager mm = h.memory;
        g.writeBooleanField("autoBalloon", mm.policy.autoBalloon());
        g.writeNumberField("swap", mm.policy.swapBytes());
        g.writeBooleanField("pageSharing", mm.policy.pageSharing());
        g.writeNumberField("swapUsed", mm.swapUsed);
        g.writeNumberField("memoryUpdated", mm.lastUpdate);
        g.writeNumberField("memoryTickAt", mm.tickAt);
        g.writeNumberField("policyRun", mm.lastPolicyRun);
        writeRows(g, "memorySamples", mm.samples);
        StartScheduler s = h.starts;
        writeStrings(g, "startQueue", s.queue.stream().map(v -> v.name).toList());
        g.writeNumberField("booting", s.booting);
        g.writeNumberField("lastPriority", s.lastPriority);
        g.writeNumberField("groupDoneAt", s.groupDoneAt);
        g.writeNumberField("gateAt", s.gateAt);
        writeMachine(g, h);
        g.writeEndObject();
    }

    /** Writes one VM as an object; also the start of a snapshot's VM state document ({@link VmStateDoc}). */
    static void writeVm(JsonGenerator g, VmMachine v) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", v.name);
        g.writeStringField("host", v.host);
        g.writeNumberField("vcpus", v.vcpus);
        g.writeNumberField("memory", v.memory);
        g.writeStringField("firmware", v.firmware);
        g.writeStringField("os", v.os);
        writeStrings(g, "drivers", v.drivers);
        g.writeNumberField("bootPriority", v.bootPriority);
        g.writeArrayFieldStart("disks");
        for (VmDisk d : v.disks) {
            g.writeStartObject();
            g.writeStringField("device", d.device());
            g.writeStringField("path", d.path());
            g.writeNumberField("virtualSize", d.virtualSize());
            g.writeBooleanField("owned", d.owned());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("state", v.state().id());
        g.writeStringField("reason", v.reason);
        g.writeStringField("stateBeforeStart", v.stateBeforeStart.id());
        g.writeNumberField("startRequest", v.startRequest);
        g.writeNumberField("held", v.held);
        g.writeBooleanField("counted", v.counted);
        g.writeNumberField("target", v.target);
        g.writeNumberField("actual", v.actual);
        g.writeNumberField("resident", v.resident);
        g.writeNumberField("swapped", v.swapped);
        g.writeNumberField("guestUsed", v.guestUsed);
        g.writeNumberField("shared", v.shared);
        g.writeNumberField("majorFaults", v.majorFaults);
        g.writeBooleanField("balloonLoaded", v.balloonLoaded);
        writeRows(g, "memorySamples", v.memorySamples);
        writeSnapshotFields(g, v);
        writeMachine(g, v);
        g.writeEndObject();
    }

    private static void writeMachine(JsonGenerator g, Machine m) throws IOException {
        g.writeNumberField("run", m.run);
        g.writeStringField("planKind", m.planKind == null ? "" : m.planKind.name());
        g.writeNumberField("stepIndex", m.stepIndex);
        g.writeArrayFieldStart("plan");
        for (PlannedStep s : m.plan) {
            writeStep(g, s);
        }
        g.writeEndArray();
        if (m.current != null) {
            g.writeObjectFieldStart("current");
            g.writeNumberField("pending", m.current.pending);
            g.writeStringField("boundBy", m.current.boundBy.id());
            g.writeNumberField("record", m.timeline.indexOf(m.current.record));
            g.writeEndObject();
        }
        g.writeArrayFieldStart("timeline");
        for (PhaseRecord r : m.timeline) {
            g.writeStartArray();
            g.writeString(r.phase);
            g.writeString(r.step);
            g.writeNumber(r.start);
            g.writeNumber(r.end);
            g.writeString(r.boundBy.id());
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    /** A VM's snapshot fields: present only when used, so a lab without snapshots saves as it did before them. */
    private static void writeSnapshotFields(JsonGenerator g, VmMachine v) throws IOException {
        if (v.frozen != null) {
            g.writeFieldName("frozen");
            writeExecution(g, v.frozen);
        }
        if (!v.snapshots.isEmpty()) {
            g.writeStringField("currentSnapshot", v.snapshots.current());
            g.writeArrayFieldStart("snapshots");
            for (SnapshotRecord r : v.snapshots.all()) {
                g.writeStartObject();
                g.writeStringField("name", r.name());
                g.writeStringField("parent", r.parent());
                g.writeStringField("description", r.description());
                g.writeNumberField("created", r.created());
                g.writeStringField("state", r.state().id());
                g.writeBooleanField("diskOnly", r.diskOnly());
                g.writeStringField("consistency", r.consistency().id());
                g.writeNumberField("vmStateSize", r.vmStateSize());
                g.writeNumberField("memory", r.memory());
                g.writeStringField("digest", r.digest());
                writeStrings(g, "devices", r.devices());
                g.writeFieldName("doc");
                writeValue(g, r.doc());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (v.snapshotJob != null) {
            g.writeObjectFieldStart("snapshotJob");
            g.writeStringField("op", v.snapshotJob.op());
            writeStrings(g, "names", v.snapshotJob.names());
            g.writeEndObject();
        }
    }

    /** A frozen step: the plan, where it was, and what each unfinished part had left. */
    static void writeExecution(JsonGenerator g, Execution e) throws IOException {
        g.writeStartObject();
        g.writeStringField("state", e.state().id());
        g.writeStringField("kind", e.kind() == null ? "" : e.kind().name());
        g.writeNumberField("stepIndex", e.stepIndex());
        g.writeStringField("boundBy", e.boundBy().id());
        g.writeArrayFieldStart("plan");
        for (PlannedStep s : e.plan()) {
            writeStep(g, s);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("parts");
        for (Execution.Part p : e.parts()) {
            g.writeStartArray();
            g.writeNumber(p.part());
            g.writeNumber(p.nanos());
            g.writeNumber(p.work());
            g.writeNumber(p.cap());
            g.writeNumber(p.weight());
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    @SuppressWarnings("unchecked")
    static Execution readExecution(Map<String, Object> m) throws IOException {
        List<PlannedStep> plan = new ArrayList<>();
        for (Object so : list(m, "plan")) {
            plan.add(readStep((Map<String, Object>) so));
        }
        List<Execution.Part> parts = new ArrayList<>();
        for (Object po : list(m, "parts")) {
            List<Object> p = (List<Object>) po;
            if (p.size() != 5 || !(p.get(0) instanceof Long part) || !(p.get(1) instanceof Long nanos)) {
                throw new IOException("saved lab: a frozen step's part is malformed");
            }
            parts.add(new Execution.Part(part.intValue(), nanos, ((Number) p.get(2)).doubleValue(),
                    ((Number) p.get(3)).doubleValue(), ((Number) p.get(4)).doubleValue()));
        }
        String kind = str(m, "kind");
        return new Execution(VmState.of(str(m, "state")), kind.isEmpty() ? null : PlanKind.valueOf(kind), plan,
                (int) num(m, "stepIndex"), BoundBy.of(str(m, "boundBy")), parts);
    }

    /** Writes a parsed value tree (maps, lists, strings, longs, doubles, booleans) back as it was read. */
    @SuppressWarnings("unchecked")
    static void writeValue(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Long l -> g.writeNumber(l);
            case Integer i -> g.writeNumber(i.longValue());
            case Double d -> g.writeNumber(d);
            case Boolean b -> g.writeBoolean(b);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                    g.writeFieldName(e.getKey());
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (Object o : l) {
                    writeValue(g, o);
                }
                g.writeEndArray();
            }
            default -> throw new IOException("cannot write " + v.getClass().getSimpleName() + " as JSON");
        }
    }

    static void writeStep(JsonGenerator g, PlannedStep s) throws IOException {
        Demand d = s.demand();
        g.writeStartObject();
        g.writeStringField("phase", s.phase());
        g.writeStringField("step", s.step());
        g.writeNumberField("fixed", d.fixed().toNanos());
        g.writeNumberField("network", d.network().toNanos());
        g.writeNumberField("cpu", d.cpuGigacycles());
        g.writeNumberField("threads", d.threads());
        g.writeNumberField("readBytes", d.readBytes());
        g.writeNumberField("readOps", d.readOps());
        g.writeNumberField("writeBytes", d.writeBytes());
        g.writeNumberField("writeOps", d.writeOps());
        g.writeStringField("cacheKey", s.cacheKey());
        g.writeNumberField("ioEfficiency", s.ioEfficiency());
        g.writeBooleanField("touchesMemory", s.touchesMemory());
        g.writeStringField("failure", s.failure());
        g.writeEndObject();
    }

    private static void writeRows(JsonGenerator g, String field, List<long[]> rows) throws IOException {
        g.writeArrayFieldStart(field);
        for (long[] r : rows) {
            g.writeArray(r, 0, r.length);
        }
        g.writeEndArray();
    }

    private static List<long[]> rows(Map<String, Object> m, String key) throws IOException {
        List<long[]> out = new ArrayList<>();
        for (Object o : list(m, key)) {
            List<?> l = (List<?>) o;
            long[] r = new long[l.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = (Long) l.get(i);
            }
            out.add(r);
        }
        return out;
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    // ================================================================================================= reading

    /** A parsed JSON value tree built from plain maps and lists: small code, exact longs and doubles. */
    @SuppressWarnings("unchecked")
    static Object parse(JsonParser p) throws IOException {
        JsonToken t = p.currentToken() == null ? p.nextToken() : p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    m.put(key, parse(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(parse(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }

    /** Parses a saved lab document. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readDocument(InputStream in) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            if (!(parse(p) instanceof Map<?, ?> m)) {
                throw new IOException("saved lab is not a JSON object");
            }
            return (Map<String, Object>) m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("saved lab is not valid JSON: " + e.getOriginalMessage(), e);
        }
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
        if (root.get("pluginOrigins") instanceof Map<?, ?> origins) { // absent in labs saved before plugins
            origins.forEach((k, v) -> lab.pluginOrigins.put((String) k, (String) v));
        }
        for (Object o : list(root, "hosts")) {
            readHost(lab, (Map<String, Object>) o);
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
            StartScheduler s = lab.hosts.get(str(h, "name")).starts;
            for (Object vm : list(h, "startQueue")) {
                s.queue.add(lab.vms.get((String) vm));
            }
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
                if (m == null || m.current == null) {
                    throw new IOException("saved activity of " + name + " has no running step");
                }
                int part = (int) num(a, "part");
                Activity act = new Activity(res, m.current, part, 1.0, dbl(a, "cap"), dbl(a, "weight"));
                act.restoreRemaining(dbl(a, "remaining"));
                sim.restoreActivity(act, dbl(a, "rate"));
                switch (part) {
                    case StepRun.CPU -> m.current.cpu = act;
                    case StepRun.DISK -> m.current.disk = act;
                    case StepRun.MEMORY_IO -> m.current.memoryIo = act;
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
                case "tick" -> new ResourceTick(str(e, "resource"), num(e, "epoch"));
                default -> throw new IOException("unknown saved event type " + str(e, "type"));
            };
            if (ev instanceof PartTimer t && machine(lab, t.machine()) instanceof Machine m && m.current != null
                    && t.run() == m.run) {
                m.current.restoreDue(t.part(), num(e, "time")); // when it is due is its timer's time
            }
            events.add(new EventQueue.Entry(num(e, "time"), (int) num(e, "priority"), num(e, "seq"), ev));
        }
        sim.restore(num(root, "now"), num(root, "nextSeq"), num(root, "processed"), events);
    }

    private static Machine machine(LabModel lab, String name) {
        return lab.hosts.containsKey(name) ? lab.hosts.get(name) : lab.vms.get(name);
    }

    @SuppressWarnings("unchecked")
    private static void readHost(LabModel lab, Map<String, Object> h) throws IOException {
        List<HostDisk> disks = new ArrayList<>();
        for (Object o : list(h, "disks")) {
            Map<String, Object> d = (Map<String, Object>) o;
            disks.add(new HostDisk(str(d, "device"), DiskKind.of(str(d, "kind")), num(d, "size")));
        }
        HostMachine host = new HostMachine(lab, str(h, "name"), (int) num(h, "cores"), num(h, "ram"), dbl(h, "ghz"),
                str(h, "firmware"), disks, strings(h, "bootOrder"));
        host.lifecycle.restore(HostState.of(str(h, "state")));
        host.reason = str(h, "reason");
        host.hypervisor = str(h, "hypervisor").isEmpty() ? null : HypervisorType.of(str(h, "hypervisor"));
        host.hostOs = str(h, "hostOs").isEmpty() ? null : HostOs.of(str(h, "hostOs"));
        host.policy = new StartPolicy((int) num(h, "maxConcurrentBoots"), Duration.ofNanos(num(h, "groupDelay")));
        host.warmCache.addAll(strings(h, "warmCache"));
        host.committed = num(h, "committed");
        host.starts.booting = (int) num(h, "booting");
        host.starts.lastPriority = (int) num(h, "lastPriority");
        host.starts.groupDoneAt = num(h, "groupDoneAt");
        host.starts.gateAt = num(h, "gateAt");
        MemoryManager mm = host.memory;
        mm.policy = new dev.hyperlab.api.lab.MemoryPolicy((Boolean) h.get("autoBalloon"), num(h, "swap"),
                (Boolean) h.get("pageSharing"));
        mm.swapUsed = num(h, "swapUsed");
        mm.lastUpdate = num(h, "memoryUpdated");
        mm.tickAt = num(h, "memoryTickAt");
        mm.lastPolicyRun = num(h, "policyRun");
        mm.samples.addAll(rows(h, "memorySamples"));
        readMachine(host, h);
        lab.add(host);
    }

    private static void readVm(LabModel lab, Map<String, Object> v) throws IOException {
        VmMachine vm = vmFrom(lab, v);
        if (!lab.hosts.containsKey(vm.host)) {
            throw new IOException("saved VM " + vm.name + " names unknown host " + vm.host);
        }
        lab.add(vm);
    }

    /** A VM object as {@link #writeVm} wrote it, not yet added to {@code lab}. */
    @SuppressWarnings("unchecked")
    static VmMachine vmFrom(LabModel lab, Map<String, Object> v) throws IOException {
        List<VmDisk> disks = new ArrayList<>();
        for (Object o : list(v, "disks")) {
            Map<String, Object> d = (Map<String, Object>) o;
            disks.add(new VmDisk(str(d, "device"), str(d, "path"), num(d, "virtualSize"), (Boolean) d.get("owned")));
        }
        VmMachine vm = new VmMachine(lab, str(v, "name"), str(v, "host"), (int) num(v, "vcpus"), num(v, "memory"),
                str(v, "firmware"), str(v, "os"), strings(v, "drivers"), (int) num(v, "bootPriority"), disks);
        vm.lifecycle.restore(VmState.of(str(v, "state")));
        vm.reason = str(v, "reason");
        vm.stateBeforeStart = VmState.of(str(v, "stateBeforeStart"));
        vm.startRequest = num(v, "startRequest");
        vm.held = num(v, "held");
        vm.counted = (Boolean) v.get("counted");
        vm.target = num(v, "target");
        vm.actual = num(v, "actual");
        vm.resident = num(v, "resident");
        vm.swapped = num(v, "swapped");
        vm.guestUsed = num(v, "guestUsed");
        vm.shared = num(v, "shared");
        vm.majorFaults = num(v, "majorFaults");
        vm.balloonLoaded = (Boolean) v.get("balloonLoaded");
        vm.memorySamples.addAll(rows(v, "memorySamples"));
        readSnapshotFields(vm, v);
        readMachine(vm, v);
        return vm;
    }

    /** The fields {@link #writeSnapshotFields} writes; absent in labs saved before snapshots existed. */
    @SuppressWarnings("unchecked")
    private static void readSnapshotFields(VmMachine vm, Map<String, Object> v) throws IOException {
        if (v.get("frozen") instanceof Map<?, ?> f) {
            vm.frozen = readExecution((Map<String, Object>) f);
        }
        if (v.get("snapshots") instanceof List<?> l) {
            for (Object o : l) {
                Map<String, Object> r = (Map<String, Object>) o;
                if (!(r.get("doc") instanceof Map<?, ?> doc)) {
                    throw new IOException("saved lab: snapshot " + r.get("name") + " of " + vm.name + " has no state");
                }
                vm.snapshots.load(new SnapshotRecord(str(r, "name"), str(r, "parent"), str(r, "description"),
                        num(r, "created"), VmState.of(str(r, "state")), (Boolean) r.get("diskOnly"),
                        dev.hyperlab.api.lab.SnapshotConsistency.of(str(r, "consistency")), num(r, "vmStateSize"),
                        num(r, "memory"), str(r, "digest"), strings(r, "devices"), (Map<String, Object>) doc));
            }
            vm.snapshots.setCurrent(str(v, "currentSnapshot"));
        }
        if (v.get("snapshotJob") instanceof Map<?, ?> j) {
            Map<String, Object> job = (Map<String, Object>) j;
            vm.snapshotJob = new SnapshotJob(str(job, "op"), strings(job, "names"));
        }
    }

    @SuppressWarnings("unchecked")
    private static void readMachine(Machine m, Map<String, Object> o) throws IOException {
        m.run = num(o, "run");
        String kind = str(o, "planKind");
        m.planKind = kind.isEmpty() ? null : PlanKind.valueOf(kind);
        m.stepIndex = (int) num(o, "stepIndex");
        List<PlannedStep> plan = new ArrayList<>();
        for (Object so : list(o, "plan")) {
            plan.add(readStep((Map<String, Object>) so));
        }
        m.plan = List.copyOf(plan);
        for (Object ro : list(o, "timeline")) {
            List<Object> r = (List<Object>) ro;
            m.timeline.add(new PhaseRecord((String) r.get(0), (String) r.get(1), (Long) r.get(2), (Long) r.get(3),
                    BoundBy.of((String) r.get(4))));
        }
        Map<String, Object> cur = (Map<String, Object>) o.get("current");
        if (cur != null) {
            PhaseRecord rec = m.timeline.get((int) num(cur, "record"));
            StepRun run = new StepRun(m, m.plan.get(m.stepIndex), rec);
            run.pending = (int) num(cur, "pending");
            run.boundBy = BoundBy.of(str(cur, "boundBy"));
            m.current = run;
        }
    }

    static PlannedStep readStep(Map<String, Object> s) throws IOException {
        Demand d = new Demand(Duration.ofNanos(num(s, "fixed")), Duration.ofNanos(num(s, "network")),
                dbl(s, "cpu"), (int) num(s, "threads"), num(s, "readBytes"), num(s, "readOps"),
                num(s, "writeBytes"), num(s, "writeOps"));
        return new PlannedStep(str(s, "phase"), str(s, "step"), d, str(s, "cacheKey"), dbl(s, "ioEfficiency"),
                (Boolean) s.get("touchesMemory"), str(s, "failure"));
    }

    // ---- small typed accessors: a damaged file gives a clear message, not a ClassCastException ----

    /** How many entries the list {@code key} of a saved document has ({@code hosts}, {@code vms}). */
    public static int count(Map<String, Object> m, String key) throws IOException {
        return list(m, key).size();
    }

    public static long num(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof Long l) {
            return l;
        }
        throw new IOException("saved lab: '" + key + "' missing or not an integer");
    }

    static double dbl(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IOException("saved lab: '" + key + "' missing or not a number");
    }

    static String str(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IOException("saved lab: '" + key + "' missing or not a string");
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IOException("saved lab: '" + key + "' missing or not a list");
    }

    static List<String> strings(Map<String, Object> m, String key) throws IOException {
        List<String> out = new ArrayList<>();
        for (Object o : list(m, key)) {
            out.add((String) o);
        }
        return out;
    }
}
