package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Host#maintenance(boolean)} did: the host's VMs it moved to enter maintenance (none to leave it).
 *
 * <pre>{@code
 * MaintenanceInfo m = lab.host("h1").maintenance(true);
 * m.moved().forEach(x -> System.out.println(x.vm() + " -> " + x.to() + (x.live() ? " live" : "")));
 * }</pre>
 *
 * @param host the host
 * @param on whether it is in maintenance now
 * @param moved the migrations that drained it, in the order they ran (highest start priority first)
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record MaintenanceInfo(String host, boolean on, List<MigrationInfo> moved) {
    public MaintenanceInfo {
        moved = List.copyOf(moved);
    }
}
