package dev.hyperlab.core.calibration;

import dev.hyperlab.api.lab.LabException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in workloads a running VM can have ({@code vm set NAME --workload ID}), and the default per OS profile.
 * Figures and their sources: docs/calibration.md section 9; assumptions are listed in its Gaps (item 32).
 */
public final class Workloads {
    /** The default of every OS profile: what the lab did before workloads existed. */
    public static final String IDLE = "idle";

    private static final Map<String, Workload> BUILT_IN = new LinkedHashMap<>();

    static {
        add(new Workload(IDLE, "no demand on the host (a Windows guest still writes its steady 30 KiB/s)",
                0, 0, 0, 0, 0, 0, 0, 0, 0, false));
        add(new Workload("web", "web server: 30% of its vCPUs, 100 random reads/s (8-32 KiB), no writes, sends what "
                + "it reads (2 MB/s, assumed)",
                Calibration.WORK_INTERACTIVE_CPU_PER_VCPU, Calibration.WORK_WEB_READ_IOPS, Calibration.WORK_WEB_READ_BYTES,
                0, 0, 0, 0, 0, Calibration.WORK_WEB_NET_TX_BYTES_S, true));
        add(new Workload("database", "OLTP database: 30% of its vCPUs, 1200 random 8 KiB I/Os/s (70% reads) and 300 "
                + "log appends/s; receives what it writes, sends what it reads (assumed)",
                Calibration.WORK_INTERACTIVE_CPU_PER_VCPU,
                Calibration.WORK_DB_DATA_IOPS * Calibration.WORK_DB_DATA_READ_FRACTION, Calibration.WORK_DB_IO_BYTES,
                Calibration.WORK_DB_DATA_IOPS * (1 - Calibration.WORK_DB_DATA_READ_FRACTION),
                Calibration.WORK_DB_IO_BYTES, Calibration.WORK_DB_LOG_IOPS, Calibration.WORK_DB_IO_BYTES,
                Calibration.WORK_DB_NET_RX_BYTES_S, Calibration.WORK_DB_NET_TX_BYTES_S, true));
        add(new Workload("desktop", "virtual desktop: 10% of its vCPUs (assumed), 10 I/Os/s of 4 KiB, 75% writes",
                Calibration.WORK_DESKTOP_CPU_PER_VCPU,
                Calibration.WIN_DESKTOP_STEADY_IOPS * (1 - Calibration.WIN_DESKTOP_STEADY_WRITE_FRACTION),
                Calibration.WIN_DESKTOP_STEADY_WRITE_BYTES,
                Calibration.WIN_DESKTOP_STEADY_IOPS * Calibration.WIN_DESKTOP_STEADY_WRITE_FRACTION,
                Calibration.WIN_DESKTOP_STEADY_WRITE_BYTES, 0, 0, 0, 0, true));
        add(new Workload("build", "parallel build: every vCPU busy (assumed); its disk I/O is not modelled",
                Calibration.WORK_BUILD_CPU_PER_VCPU, 0, 0, 0, 0, 0, 0, 0, 0, true));
    }

    private Workloads() {}

    private static void add(Workload w) {
        BUILT_IN.put(w.id(), w);
    }

    public static List<Workload> all() {
        return List.copyOf(BUILT_IN.values());
    }

    /** Whether a built-in workload has that id. */
    public static boolean has(String id) {
        return BUILT_IN.containsKey(id);
    }

    /** The workload with that id; throws {@link LabException} listing them when there is none. */
    public static Workload get(String id) {
        Workload w = BUILT_IN.get(id);
        if (w == null) {
            throw LabException.invalid("no workload '" + id + "'", "one of " + String.join(", ", BUILT_IN.keySet()));
        }
        return w;
    }

    /** The default workload of a VM with profile {@code os}: idle for every profile (see docs/model.md). */
    public static Workload defaultFor(OsProfile os) {
        return BUILT_IN.get(IDLE);
    }
}
