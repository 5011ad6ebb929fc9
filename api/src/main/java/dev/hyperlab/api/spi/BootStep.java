package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One step a firmware model or driver contributes to a boot; it becomes one row of the timeline.
 *
 * <pre>{@code
 * new BootStep("post", "memory-training", Demand.fixed(Duration.ofSeconds(40)))
 * }</pre>
 *
 * @param phase the timeline phase it belongs to ({@code post}, {@code boot-search}, {@code firmware},
 *     {@code drivers}, ...)
 * @param name the step within the phase ({@code memory-training}, {@code option-roms}, ...)
 * @param demand the work it needs
 */
@API(status = STABLE, since = "0.1")
public record BootStep(String phase, String name, Demand demand) {
    /** Checks that every part is given. */
    public BootStep {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(demand, "demand");
    }
}
