package dev.hyperlab.core.engine;

import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.sim.RandomStreams;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A clone's new identity, as {@code virt-clone} gives one ("--mac ... Default is to generate a random MAC address")
 * and {@code virt-sysprep}'s {@code machine-id} operation makes the guest generate a new {@code /etc/machine-id}. Both
 * are drawn from the lab's seed and the clone's name, so a lab replayed with the same seed gives the same addresses.
 */
final class VmIdentities {
    /** QEMU's default NIC address (every VM without one of its own has it): never given to a clone. */
    static final String QEMU_DEFAULT_MAC = "52:54:00:12:34:56";
    /** The locally administered range QEMU and libvirt generate addresses in (calibration: vm.clone.mac_prefix). */
    static final String MAC_PREFIX = "52:54:00";

    private VmIdentities() {}

    /** A MAC address in {@code 52:54:00:xx:xx:xx} that no VM of the lab has; the next draw on a collision. */
    static String mac(LabModel lab, String name) {
        RandomStreams streams = new RandomStreams(lab.seed());
        for (int attempt = 0; ; attempt++) {
            int low = streams.stream("vm/" + name + "/mac/" + attempt).nextInt(1 << 24);
            String mac = String.format("%s:%02x:%02x:%02x", MAC_PREFIX, low >>> 16, (low >>> 8) & 0xff, low & 0xff);
            if (!mac.equals(QEMU_DEFAULT_MAC) && !used(lab, mac)) {
                return mac;
            }
        }
    }

    private static boolean used(LabModel lab, String mac) {
        for (VmMachine v : lab.vms.values()) {
            if (v.mac().equals(mac)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A machine id as systemd makes one on first boot: 128 random bits formatted as 32 lower-case hex digits, with the
     * version 4 and variant bits of a random UUID set (machine-id(5): "a v4 UUID").
     */
    static String machineId(LabModel lab, String name) {
        SplittableRandom r = new RandomStreams(lab.seed()).stream("vm/" + name + "/machine-id");
        long hi = (r.nextLong() & ~0xf000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return HexFormat.of().toHexDigits(hi) + HexFormat.of().toHexDigits(lo);
    }
}
