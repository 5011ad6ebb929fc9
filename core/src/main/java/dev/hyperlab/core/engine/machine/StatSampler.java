package dev.hyperlab.core.engine.machine;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.core.engine.persist.SavedDoc;
import dev.hyperlab.core.sim.Simulation;
import java.io.IOException;
import java.util.Map;

/**
 * Samples the running workloads of one host every {@link #INTERVAL_NANOS} of lab time, while any runs, so that
 * {@code vm stat --history} and the timeline's load chart show CPU ready, disk latency, bytes written and memory used
 * over time. Sampling reads totals and changes nothing the model computes; a host whose VMs run no charged workload
 * (a boot storm's) schedules no sample.
 */
public final class StatSampler {
    /** docs/calibration.md stat.sample_interval_s: sysstat's collection interval (sa1 from cron every 10 minutes). */
    public static final long INTERVAL_NANOS = 600L * 1_000_000_000L;

    private final HostMachine host;
    private long tickAt = -1;

    StatSampler(HostMachine host) {
        this.host = host;
    }

    public long tickAt() {
        return tickAt;
    }

    /** A VM began a charged workload on this host: it is sampled now and, with the others, from now on. */
    void workloadStarted(VmMachine vm) {
        long now = host.env.sim().now();
        vm.work.sample(now);
        schedule(now);
    }

    /** A sample of every charged workload running on the host, and the next one while any runs. */
    public void tick() {
        tickAt = -1;
        long now = host.env.sim().now();
        boolean any = false;
        for (String name : host.vms) {
            VmMachine v = host.env.vmMachine(name);
            if (v != null && v.work.charged()) {
                v.work.sample(now);
                any = true;
            }
        }
        if (any) {
            schedule(now);
        }
    }

    private void schedule(long now) {
        if (tickAt < 0) {
            tickAt = now + INTERVAL_NANOS;
            host.env.sim().at(tickAt, Simulation.PRIORITY_CONTROL, new StatTick(host.name));
        }
    }

    void save(JsonGenerator g) throws IOException {
        if (tickAt >= 0) { // absent when not sampling: a lab saved before samples reads the same
            g.writeNumberField("statTickAt", tickAt);
        }
    }

    void restore(Map<String, Object> h) throws IOException {
        tickAt = h.containsKey("statTickAt") ? SavedDoc.num(h, "statTickAt") : -1;
    }
}
