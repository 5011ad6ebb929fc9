package dev.hyperlab.core.lab;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A lab kept by name ({@code hyperlab --lab NAME}), as {@link Labs#list} finds it: read from its saved file, without
 * opening it (a lab open in another process is listed too).
 *
 * <pre>{@code
 * Labs.list(Path.of(System.getProperty("user.home"), ".hyperlab/labs"))
 *         .forEach(l -> System.out.println(l.name() + " at lab time " + l.time()));
 * }</pre>
 *
 * @param name the lab's name: its directory's name
 * @param directory where it is kept
 * @param time its lab time
 * @param hosts number of hosts
 * @param vms number of VMs
 * @param diskUsed bytes of disk its directory takes (blocks that hold data)
 * @param backend {@code simulation} or {@code qemu} (real VMs, whose lab time is wall time since the lab was made)
 */
public record NamedLab(String name, Path directory, Duration time, int hosts, int vms, long diskUsed,
        String backend) {}
