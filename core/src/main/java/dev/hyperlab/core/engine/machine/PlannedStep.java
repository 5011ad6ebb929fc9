package dev.hyperlab.core.engine.machine;

import java.util.Map;
import java.time.Duration;
import java.io.IOException;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.core.engine.persist.SavedDoc;

/**
 * One step of a machine's plan (a boot, a shutdown, a suspend), fixed when the plan is made so that a saved lab
 * resumes it exactly.
 *
 * @param phase timeline phase
 * @param step detail within the phase
 * @param demand work before machine-specific factors (CPU tax, driver efficiency, cache)
 * @param cacheKey when not empty, its reads come from a base image and the host's cache of that base serves them once
 *     another VM has read them (the key names the base's profile and phase)
 * @param ioEfficiency throughput of the device path for this step relative to virtio (emulated devices are slower)
 * @param touchesMemory the guest touches its memory in this step (a boot's init, a resume), so the host must back
 *     it, reclaiming from others if it has to
 * @param failure when not empty the plan stops here with this message (the step itself takes no time)
 */
public record PlannedStep(
        String phase, String step, Demand demand, String cacheKey, double ioEfficiency, boolean touchesMemory,
        String failure) {

    public static PlannedStep of(String phase, String step, Demand demand) {
        return new PlannedStep(phase, step, demand, "", 1.0, false, "");
    }

    public static PlannedStep fail(String phase, String message) {
        return new PlannedStep(phase, "", Demand.NONE, "", 1.0, false, message);
    }

    /** A step reading from a shared base image (see {@code cacheKey}). */
    public static PlannedStep fromBase(String phase, Demand demand, String cacheKey, double ioEfficiency) {
        return new PlannedStep(phase, "", demand, cacheKey, ioEfficiency, false, "");
    }

    /** This step with the guest touching its memory. */
    public PlannedStep touchingMemory() {
        return new PlannedStep(phase, step, demand, cacheKey, ioEfficiency, true, failure);
    }

    public boolean baseReads() {
        return !cacheKey.isEmpty();
    }


    public boolean isFailure() {
        return !failure.isEmpty();
    }

    // ---- saved with the lab (LabCodec) ----

    /** Writes this step as an object of a saved lab. */
    void save(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("phase", phase);
        g.writeStringField("step", step);
        g.writeNumberField("fixed", demand.fixed().toNanos());
        g.writeNumberField("network", demand.network().toNanos());
        g.writeNumberField("cpu", demand.cpuGigacycles());
        g.writeNumberField("threads", demand.threads());
        g.writeNumberField("readBytes", demand.readBytes());
        g.writeNumberField("readOps", demand.readOps());
        g.writeNumberField("writeBytes", demand.writeBytes());
        g.writeNumberField("writeOps", demand.writeOps());
        g.writeStringField("cacheKey", cacheKey);
        g.writeNumberField("ioEfficiency", ioEfficiency);
        g.writeBooleanField("touchesMemory", touchesMemory);
        g.writeStringField("failure", failure);
        g.writeEndObject();
    }

    /** A step as {@link #save} wrote it. */
    static PlannedStep restore(Map<String, Object> s) throws IOException {
        Demand d = new Demand(Duration.ofNanos(SavedDoc.num(s, "fixed")), Duration.ofNanos(SavedDoc.num(s, "network")),
                SavedDoc.dbl(s, "cpu"), (int) SavedDoc.num(s, "threads"), SavedDoc.num(s, "readBytes"),
                SavedDoc.num(s, "readOps"), SavedDoc.num(s, "writeBytes"), SavedDoc.num(s, "writeOps"));
        return new PlannedStep(SavedDoc.str(s, "phase"), SavedDoc.str(s, "step"), d, SavedDoc.str(s, "cacheKey"),
                SavedDoc.dbl(s, "ioEfficiency"), (Boolean) s.get("touchesMemory"), SavedDoc.str(s, "failure"));
    }

    /** Writes a plan as the array {@code field}. */
    static void saveAll(JsonGenerator g, String field, java.util.List<PlannedStep> plan) throws IOException {
        g.writeArrayFieldStart(field);
        for (PlannedStep s : plan) {
            s.save(g);
        }
        g.writeEndArray();
    }

    /** A plan as {@link #saveAll} wrote it. */
    @SuppressWarnings("unchecked")
    static java.util.List<PlannedStep> restoreAll(Map<String, Object> m, String field) throws IOException {
        java.util.List<PlannedStep> plan = new java.util.ArrayList<>();
        for (Object so : SavedDoc.list(m, field)) {
            plan.add(restore((Map<String, Object>) so));
        }
        return plan;
    }
}
