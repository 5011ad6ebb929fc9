package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * One line of the lab's event log, as {@link Lab#events} returns it: what the simulation did, in the order it did it.
 *
 * <pre>{@code
 * lab.events(EventFilter.ALL.withMachine("web1")).forEach(e -> System.out.println(e.time() + " " + e.event()));
 * // PT1M16.774001112S start requested ... PT1M26.207406970S running
 * }</pre>
 *
 * @param time lab time it happened
 * @param machine the host or VM it concerns (the subject of the line)
 * @param event what happened: {@code running}, {@code done kernel bound=cpu}, {@code backup bytes=...}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record LabEvent(Duration time, String machine, String event) {}
