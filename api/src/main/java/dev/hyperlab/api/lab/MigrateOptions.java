package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * How {@link Vm#migrate(String, MigrateOptions)} moves a VM ({@code vm migrate NAME --to HOST [--live] [--bandwidth
 * MIB] [--max-downtime MS] [--auto-converge] [--postcopy]}). Offline, a stopped VM's disks are copied; live, a running VM's memory
 * goes over the hosts' link in QEMU's pre-copy rounds while the guest keeps running and dirtying pages, its local disks
 * first (block migration, as {@code virsh migrate --copy-storage-all}), until what is left fits the downtime limit and
 * a short stop-and-copy moves the rest.
 *
 * <pre>{@code
 * lab.vm("db1").migrate("h2", MigrateOptions.LIVE.withAutoConverge(true));
 * }</pre>
 *
 * <p>From JavaScript, as an object whose missing fields take their defaults: {@code lab.vm('db1').migrate('h2', {live:
 * true, autoConverge: true, maxDowntime: '100ms'})}, {@code {live: true,
 * postcopy: true}}.
 *
 * @param live pre-copy migration of a running VM (false: a stopped VM, offline)
 * @param bandwidthBytesPerSecond the migration's bandwidth cap in bytes a second (QEMU's {@code max-bandwidth},
 *     {@code virsh migrate --bandwidth}), or 0 for the hosts' link
 * @param maxDowntime the longest stop-and-copy allowed (QEMU's {@code downtime-limit}), or zero for QEMU's default
 *     (300 ms)
 * @param autoConverge throttle the guest's vCPUs in steps when it dirties memory faster than the rounds send it
 *     (QEMU's {@code auto-converge} capability: 20 %, then 10 % more each time); the throttled guest's own work
 *     slows by the same share while it lasts
 * @param postcopy switch to post-copy after the first pre-copy round when pre-copy has not finished by then (QEMU's
 *     {@code postcopy-ram} capability and {@code migrate-start-postcopy}; {@code virsh migrate --postcopy
 *     --postcopy-after-precopy}): the guest runs on the destination from the switch while the pages still on the
 *     source are pushed in the background or fetched when it touches them (its work slowed meanwhile), so it
 *     converges whatever the dirty rate. Allowed with {@code autoConverge}, as QEMU allows both capabilities
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record MigrateOptions(boolean live, long bandwidthBytesPerSecond, Duration maxDowntime, boolean autoConverge,
        boolean postcopy) {
    /** A stopped VM, its disks copied. */
    public static final MigrateOptions OFFLINE = new MigrateOptions(false, 0, Duration.ZERO, false, false);
    /** A running VM, pre-copy with QEMU's defaults over the hosts' link. */
    public static final MigrateOptions LIVE = new MigrateOptions(true, 0, Duration.ZERO, false, false);

    public MigrateOptions {
        if (bandwidthBytesPerSecond < 0) {
            throw LabException.invalid("a migration bandwidth of " + bandwidthBytesPerSecond + " bytes/s",
                    "give a bandwidth above 0, or 0 for the hosts' link");
        }
        if (maxDowntime == null || maxDowntime.isNegative()) {
            throw LabException.invalid("a maximum downtime of " + maxDowntime, "give a duration above 0, or zero for "
                    + "QEMU's default (300 ms)");
        }
    }

    public MigrateOptions withBandwidth(long bytesPerSecond) {
        return new MigrateOptions(live, bytesPerSecond, maxDowntime, autoConverge, postcopy);
    }

    public MigrateOptions withMaxDowntime(Duration downtime) {
        return new MigrateOptions(live, bandwidthBytesPerSecond, downtime, autoConverge, postcopy);
    }

    public MigrateOptions withAutoConverge(boolean on) {
        return new MigrateOptions(live, bandwidthBytesPerSecond, maxDowntime, on, postcopy);
    }

    public MigrateOptions withPostcopy(boolean on) {
        return new MigrateOptions(live, bandwidthBytesPerSecond, maxDowntime, autoConverge, on);
    }
}
