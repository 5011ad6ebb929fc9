package dev.hyperlab.core.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.hyperlab.core.engine.machine.Execution;
import dev.hyperlab.core.engine.machine.MachineEnv;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.engine.persist.SavedDoc;

/**
 * A VM's runtime state as a snapshot saves it: the VM object exactly as the lab saves it ({@link VmMachine#save}),
 * so every field that defines a VM is in it (configuration, lifecycle state, memory, balloon, start bookkeeping, and
 * whatever later features add there), with its work in progress ({@link Execution}) in place of the live step, and
 * without what is history or the host's business:
 * <ul>
 *   <li>history: the timeline, memory samples, the run counter, major faults (a host counter);
 *   <li>the host's placement of the guest's pages: resident or swapped, shared by page sharing. The guest's pages in
 *       use are kept as one figure, {@code backed}: a revert loads exactly those, as QEMU's loadvm writes only the
 *       pages that were not zero.
 * </ul>
 * Guest memory has no contents in the model (it tracks amounts, not bytes), so this document, not a RAM image, is what
 * the first disk's VM-state area holds; the time a snapshot pauses the VM is modelled on the RAM in use all the same.
 *
 * <p>The state area is {@code HYPERLAB-VMSTATE 1 <sha256> <length>\n} followed by the document in compact JSON; the
 * digest makes damage to the image's state area an error rather than a different machine.
 */
final class VmStateDoc {
    static final String MAGIC = "HYPERLAB-VMSTATE";
    static final int VERSION = 1;

    /** Fields of the saved VM object that are history, the host's, or kept elsewhere in a snapshot. */
    private static final Set<String> NOT_STATE = Set.of("timeline", "memorySamples", "run", "current", "planKind",
            "stepIndex", "plan", "frozen", "snapshots", "currentSnapshot", "snapshotJob", "resident", "swapped",
            "shared", "majorFaults", "workloadRun");

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private VmStateDoc() {}

    /** {@code vm} as the lab file saves it, history included (changes nothing). */
    static Map<String, Object> saved(VmMachine vm) {
        return parse(json(vm::save));
    }

    /**
     * {@code vm} built again from its saved form with {@code changes} over it (a new definition, host or name: a
     * machine's configuration stays fixed for its life), history and snapshots kept; not yet in the lab.
     */
    static VmMachine rebuilt(MachineEnv env, VmMachine vm, Map<String, Object> changes) {
        Map<String, Object> doc = new LinkedHashMap<>(saved(vm));
        doc.putAll(changes);
        try {
            return VmMachine.restore(env, doc);
        } catch (IOException e) {
            throw new IllegalStateException("VM " + vm.name + " does not read back as it was saved", e);
        }
    }

    /** The state document of {@code vm} now (changes nothing). */
    static Map<String, Object> capture(VmMachine vm) {
        Map<String, Object> vmObject = saved(vm);
        Map<String, Object> doc = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : vmObject.entrySet()) {
            if (!NOT_STATE.contains(e.getKey())) {
                doc.put(e.getKey(), e.getValue());
            }
        }
        doc.put("backed", vm.holdsMemory() ? vm.account.backed() : 0L);
        doc.put("execution", parse(json(g -> Execution.capture(vm).save(g))));
        return doc;
    }

    /** Canonical bytes: compact JSON in the document's own field order. */
    static byte[] canonical(Map<String, Object> doc) {
        return json(g -> SavedDoc.writeValue(g, doc));
    }

    static String digest(Map<String, Object> doc) {
        return sha256(canonical(doc));
    }

    /** What the VM-state area holds. */
    static byte[] encode(Map<String, Object> doc) {
        byte[] body = canonical(doc);
        byte[] head = (MAGIC + " " + VERSION + " " + sha256(body) + " " + body.length + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** Whether a VM-state area starts as hyperlab writes it (false for QEMU's own savevm stream, say). */
    static boolean isOurs(byte[] area) {
        byte[] m = (MAGIC + " ").getBytes(StandardCharsets.US_ASCII);
        if (area.length < m.length) {
            return false;
        }
        for (int i = 0; i < m.length; i++) {
            if (area[i] != m[i]) {
                return false;
            }
        }
        return true;
    }

    /** Reads a VM-state area back; throws with what is wrong when it is not a whole, undamaged document. */
    static Map<String, Object> decode(byte[] area) throws IOException {
        if (!isOurs(area)) {
            throw new IOException("its VM state was not written by hyperlab");
        }
        int nl = 0;
        while (nl < area.length && area[nl] != '\n') {
            nl++;
        }
        String[] head = new String(area, 0, nl, StandardCharsets.US_ASCII).split(" ");
        if (head.length != 4 || !head[1].equals(Integer.toString(VERSION))) {
            throw new IOException("its VM state has an unknown layout (" + (head.length > 1 ? head[1] : "?") + ")");
        }
        int length;
        try {
            length = Integer.parseInt(head[3]);
        } catch (NumberFormatException e) {
            throw new IOException("its VM state header is damaged");
        }
        if (length < 0 || nl + 1 + length > area.length) {
            throw new IOException("its VM state is cut short");
        }
        byte[] body = java.util.Arrays.copyOfRange(area, nl + 1, nl + 1 + length);
        if (!sha256(body).equals(head[2])) {
            throw new IOException("its VM state is damaged (checksum mismatch)");
        }
        return parse(body);
    }

    /** The VM name a state document belongs to. */
    static String vmName(Map<String, Object> doc) {
        return doc.get("name") instanceof String s ? s : "";
    }

    /**
     * A VM built from a state document, to take the place of {@code old}: the history and the snapshot tree are
     * {@code old}'s, its run counter goes on from {@code old}'s (so old timers stay stale), and it holds no host
     * memory yet (the caller restores that). Its work in progress is returned separately, for the caller to thaw.
     */
    @SuppressWarnings("unchecked")
    static VmMachine restore(MachineEnv env, Map<String, Object> doc, VmMachine old) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(doc);
        m.remove("backed");
        m.remove("execution");
        m.put("resident", 0L);
        m.put("swapped", 0L);
        m.put("shared", 0L);
        m.put("majorFaults", old.account.majorFaults());
        m.put("memorySamples", List.of());
        m.put("run", old.run() + 1);
        m.put("planKind", "");
        m.put("stepIndex", -1L);
        m.put("plan", List.of());
        m.put("timeline", List.of());
        VmMachine vm = VmMachine.restore(env, m);
        vm.continueFrom(old);
        return vm;
    }

    @SuppressWarnings("unchecked")
    static Execution execution(Map<String, Object> doc) throws IOException {
        if (!(doc.get("execution") instanceof Map<?, ?> e)) {
            throw new IOException("its VM state has no work in progress");
        }
        return Execution.restore((Map<String, Object>) e);
    }

    static long backed(Map<String, Object> doc) throws IOException {
        return SavedDoc.num(doc, "backed");
    }

    // ---- plumbing ----

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Writer w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(byte[] bytes) {
        try (JsonParser p = JSON.createParser(bytes)) {
            return (Map<String, Object>) SavedDoc.parse(p);
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("a VM state document does not parse", e);
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
